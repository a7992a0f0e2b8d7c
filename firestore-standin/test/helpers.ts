// Shared helpers for the conformance suite: firebase-admin from the functions package (the
// root has no copy), the emulator reset endpoint, bounded waits.
import { createRequire } from "node:module";
import path from "node:path";

import type * as AdminApp from "firebase-admin/app";
import type * as AdminFirestore from "firebase-admin/firestore";

const fromFunctions = createRequire(path.resolve(__dirname, "../../functions/package.json"));
export const adminApp = fromFunctions("firebase-admin/app") as typeof AdminApp;
export const adminFirestore = fromFunctions("firebase-admin/firestore") as typeof AdminFirestore;

export const PROJECT_ID = "demo-phoenix";

export function emulatorHost(): string {
  const host = process.env.FIRESTORE_EMULATOR_HOST;
  if (!host) throw new Error("FIRESTORE_EMULATOR_HOST is not set; start an emulator first.");
  return host;
}

/** The lock-hold limit of the server under test (the stand-in's lockTimeoutMs). */
export function lockLimitMs(): number {
  const raw = Number(process.env.FIRESTORE_LOCK_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : 15_000;
}

/** Clears all documents the way the official emulator documents it. */
export async function resetFirestore(projectId = PROJECT_ID): Promise<void> {
  const url = `http://${emulatorHost()}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const res = await fetch(url, { method: "DELETE" });
  if (!res.ok) throw new Error(`reset failed: HTTP ${res.status}`);
}

/**
 * Loads security rules for one project through the official emulator's endpoint (the one
 * @firebase/rules-unit-testing uses). They replace, for that project only, the rules the
 * emulator started with.
 */
export async function loadRules(
  projectId: string,
  rules: string,
  host = emulatorHost(),
): Promise<void> {
  const url = `http://${host}/emulator/v1/projects/${projectId}:securityRules`;
  const res = await fetch(url, {
    method: "PUT",
    body: JSON.stringify({ rules: { files: [{ content: rules }] } }),
  });
  if (!res.ok) throw new Error(`loading rules failed: HTTP ${res.status} ${await res.text()}`);
}

export const OPEN_RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /{document=**} {
      allow read, write: if true;
    }
  }
}`;

/** Polls until predicate holds; throws after timeoutMs. Never used as a bare sleep. */
export async function waitUntil(
  predicate: () => boolean,
  timeoutMs: number,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const errorCode = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;

export type AdminDb = ReturnType<typeof adminFirestore.getFirestore>;

/**
 * firebase-admin on the server at 127.0.0.1:`port` (gRPC, or REST with preferRest).
 * FIRESTORE_EMULATOR_HOST would override the host setting, so it is pointed at this server
 * just while the client is configured.
 */
export function adminDbAt(
  port: number,
  preferRest = false,
): { db: AdminDb; close(): Promise<void> } {
  const app = adminApp.initializeApp({ projectId: PROJECT_ID }, `admin-${port}-${Math.random()}`);
  const saved = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
  try {
    // Both the constructor and settings() read the variable; the port sticks from the first.
    const db = adminFirestore.getFirestore(app);
    db.settings({ preferRest, port });
    return { db, close: () => adminApp.deleteApp(app) };
  } finally {
    if (saved === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = saved;
  }
}
