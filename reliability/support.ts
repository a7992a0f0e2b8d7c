// Shared steps of the scenarios: a clean stack, users with a given balance, callables whose
// outcome lands in the figures, bounded waits for end states, and the invariant checks.
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { GenerateVideoInput, GenerateVideoResult } from "../functions/src/contract";
import { callFunction, CallableError } from "../test-harness/callable";
import { LOCAL_S3, resetFirestore, type TestUser } from "../test-harness/emulators";
import { db, signedUpUser, type endState } from "../test-harness/pipeline";
import { waitFor, waitForDocument } from "../test-harness/wait";
import { runAudit } from "../tools/audit";
import { bump, type ScenarioFigures } from "./figures";

/** The Admin SDK's snapshot type, from the helpers (firebase-admin lives in functions/). */
export type DocumentSnapshot = Awaited<ReturnType<typeof endState>>;

export const END_STATES = ["draft", "published", "failed", "cancelled"];
const s3 = new S3Client(LOCAL_S3);

/** Empty Firestore and both media buckets, so each scenario's audit covers only its own work. */
export async function cleanSlate(): Promise<void> {
  await resetFirestore();
  for (const bucket of [LOCAL_S3.bucket, LOCAL_S3.publicBucket]) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of page.Contents ?? [])
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
) {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Signed-up users (welcome grant written by the Auth trigger), optionally set to `balance`. */
export async function users(count: number, balance?: number): Promise<TestUser[]> {
  const made = await pool(Array.from({ length: count }), 4, () => signedUpUser());
  if (balance !== undefined) {
    for (const user of made) {
      const batch = db().batch();
      batch.update(db().doc(`users/${user.uid}`), { tokenBalance: balance });
      // The ledger explains the balance, so the audit's ledger sum still holds.
      batch.set(db().doc(`transactions/fixture_${user.uid}`), {
        userId: user.uid,
        type: "grant",
        amount: balance - 100,
        details: { reason: "reliability fixture" },
        timestamp: new Date(),
      });
      await batch.commit();
    }
  }
  return made;
}

export type Outcome<T> =
  | { ok: true; result: T }
  | { ok: false; code: string; reason?: string; httpStatus: number; message: string };

/** A callable over the emulator's callable protocol; the outcome is counted in `fig`. */
export async function call<T>(
  fig: ScenarioFigures,
  name: string,
  data: unknown,
  idToken?: string,
): Promise<Outcome<T>> {
  fig.sent++;
  try {
    // Generous: on a loaded machine the emulator queues requests behind task deliveries.
    const { result } = await callFunction<T>(name, data, idToken, { timeoutMs: 180_000 });
    fig.accepted++;
    return { ok: true, result };
  } catch (err) {
    // No reply at all (seen when the emulator fails to load the functions mid-run): counted.
    if (err instanceof Error && err.name === "TimeoutError") {
      bump(fig.rejected, "no reply (timeout)");
      return { ok: false, code: "timeout", httpStatus: 0, message: err.message };
    }
    if (!(err instanceof CallableError)) throw err;
    const reason = (err.details as { reason?: string } | undefined)?.reason;
    bump(fig.rejected, reason ? `${err.code}/${reason}` : err.code);
    return { ok: false, code: err.code, reason, httpStatus: err.httpStatus, message: err.message };
  }
}

export const generate = (fig: ScenarioFigures, user: TestUser, input: GenerateVideoInput) =>
  call<GenerateVideoResult>(fig, "generateVideo", input, user.idToken);

/** Waits (listener, bounded) for every creation to end; records end states and durations. */
export async function waitAllEnded(
  fig: ScenarioFigures,
  submittedAt: Map<string, number>,
  timeoutMs: number,
): Promise<Map<string, DocumentSnapshot>> {
  const ended = new Map<string, DocumentSnapshot>();
  await Promise.all(
    [...submittedAt].map(async ([id, at]) => {
      const snap = await waitForDocument(
        db().doc(`creations/${id}`),
        (s) => END_STATES.includes(s.get("status") as string),
        { timeoutMs: Math.max(1000, at + timeoutMs - Date.now()), what: `${id} to end` },
      );
      fig.slowestEndMs = Math.max(fig.slowestEndMs, Date.now() - at);
      ended.set(id, snap);
    }),
  );
  for (const snap of ended.values()) bump(fig.jobsByEnd, describeEnd(snap));
  return ended;
}

export function describeEnd(snap: DocumentSnapshot): string {
  const status = snap.get("status") as string;
  if (status !== "failed") return status;
  return `failed:${(snap.get("errorKind") as string | undefined) ?? "?"}`;
}

/** Waits until every creation in the database has ended (nothing is still being written). */
export async function allSettled(timeoutMs = 180_000): Promise<void> {
  await waitFor(
    async () => {
      const snap = await db().collection("creations").get();
      return snap.docs.every((doc) => END_STATES.includes(doc.get("status") as string));
    },
    { timeoutMs, what: "every creation to end", intervalMs: 500 },
  );
}

/** Watches users' balances and remembers the lowest value ever seen (must stay >= 0). */
export function watchBalances(uids: string[]): { lowest: () => number; stop: () => void } {
  let lowest = Number.POSITIVE_INFINITY;
  const stops = uids.map((uid) =>
    db()
      .doc(`users/${uid}`)
      .onSnapshot(
        (snap) => {
          const balance = snap.get("tokenBalance") as number | undefined;
          if (typeof balance === "number") lowest = Math.min(lowest, balance);
        },
        () => undefined,
      ),
  );
  return { lowest: () => lowest, stop: () => stops.forEach((stop) => stop()) };
}

export interface MoneyCheck {
  problems: string[];
}

/**
 * The invariants over the whole database and bucket: the operators' audit (ledger sums,
 * debit/refund counts, refund flags, media vs creations) plus per-creation ledger entries.
 */
export async function checkInvariants(fig: ScenarioFigures): Promise<MoneyCheck> {
  const { input, problems } = await runAudit();
  const found = problems.map((p) => `${p.kind} ${p.subject}: ${p.detail}`);
  for (const creation of input.creations) {
    const entries = input.ledger.filter((e) => e.creationId === creation.id);
    const debits = entries.filter((e) => e.type === "video_generation").length;
    const refunds = entries.filter((e) => e.type === "refund").length;
    const refundable = creation.status === "failed" || creation.status === "cancelled";
    // One refund entry per video: every video of a refunded job, the undelivered ones otherwise.
    const expected = refundable ? (creation.sampleCount ?? 1) : (creation.undelivered ?? 0);
    if (refunds !== expected)
      found.push(
        `refunds ${creation.id}: ${creation.status} with ${refunds} refund entries, expected ${expected}`,
      );
    if (debits !== 1 && !found.some((f) => f.includes(creation.id)))
      found.push(`debits ${creation.id}: ${debits}`);
  }
  for (const user of input.users) {
    if (user.tokenBalance < 0) found.push(`negative balance ${user.id}`);
  }
  fig.violations += found.length;
  return { problems: found };
}
