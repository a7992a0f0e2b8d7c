/** End-to-end helpers: a signed-up user with their welcome balance, submissions, end states. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { DocumentSnapshot } from "firebase-admin/firestore";
import type { GenerateVideoInput, GenerateVideoResult } from "../functions/src/contract";
import { DEFAULT_LOCAL_STATE_DIR } from "../functions/src/models/local-model";
import { adminApp, adminFirestore } from "./admin";
import { callFunction } from "./callable";
import { createUser, LOCAL_S3, PROJECT_ID, type TestUser } from "./emulators";
import { waitForDocument } from "./wait";

export const db = () =>
  adminFirestore.getFirestore(
    adminApp.getApps()[0] ?? adminApp.initializeApp({ projectId: PROJECT_ID }),
  );
const s3 = new S3Client(LOCAL_S3);
const END = ["draft", "published", "failed", "cancelled"];

/** A new Auth-emulator user, once the sign-up trigger has written the welcome balance. */
export async function signedUpUser(): Promise<TestUser> {
  const user = await createUser();
  await waitForDocument(db().doc(`users/${user.uid}`), (snap) => snap.exists, {
    timeoutMs: 30_000,
    what: `users/${user.uid} created by the sign-up trigger`,
  });
  return user;
}

export async function submit(
  user: TestUser,
  input: GenerateVideoInput,
): Promise<GenerateVideoResult> {
  return (await callFunction<GenerateVideoResult>("generateVideo", input, user.idToken)).result;
}

export function endState(creationId: string, timeoutMs = 90_000): Promise<DocumentSnapshot> {
  return waitForDocument(
    db().doc(`creations/${creationId}`),
    (snap) => END.includes(snap.get("status") as string),
    {
      timeoutMs,
      what: `creations/${creationId} to reach an end state`,
    },
  );
}

export async function ledgerOf(uid: string) {
  const snap = await db().collection("transactions").where("userId", "==", uid).get();
  return snap.docs.map((doc) => ({
    id: doc.id,
    type: doc.get("type") as string,
    amount: doc.get("amount") as number,
  }));
}

export async function balanceOf(uid: string): Promise<number> {
  return (await db().doc(`users/${uid}`).get()).get("tokenBalance") as number;
}

export async function storedObject(key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: LOCAL_S3.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** How many generations the local model started for a creation (its operation records). */
export async function localGenerationsFor(creationId: string): Promise<number> {
  const dir = path.join(DEFAULT_LOCAL_STATE_DIR, "operations");
  const files = await readdir(dir).catch(() => [] as string[]);
  let count = 0;
  for (const file of files.filter((f) => f.endsWith(".json"))) {
    const record = JSON.parse(await readFile(path.join(dir, file), "utf8")) as {
      request?: { creationId?: string };
    };
    if (record.request?.creationId === creationId) count++;
  }
  return count;
}
