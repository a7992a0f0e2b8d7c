// The bench's view of the local stack: the Cloud Tasks emulator's queue settings (changed
// at run time, so one emulator start serves every profile), resets, and signed-up users.
import { firestore } from "../../functions/src/adapters/firebase";
import { schedule } from "../../functions/src/config/schedule";
import { HOST, PORTS, PROJECT_ID } from "../../stack/config";
import { clearAuthUsers, createUser, resetFirestore } from "../../test-harness/emulators";
import type { TestUser } from "../../test-harness/emulators";
import { callFunction } from "../../test-harness/callable";
import { waitFor } from "../../test-harness/wait";

const REGION = "us-central1";

/** The Admin SDK the functions use (firebase-admin is a dependency of functions/ only). */
export const db = firestore;

export interface QueueLimits {
  maxConcurrentDispatches: number;
  maxDispatchesPerSecond: number;
}

/**
 * Re-registers a task-queue function's queue with the Cloud Tasks emulator, as the Functions
 * emulator does at start, with other rate limits. The emulator replaces the queue: tasks
 * still waiting in it are dropped. maxConcurrentDispatches 0 holds every task.
 */
export async function setQueueLimits(queue: string, limits: QueueLimits): Promise<void> {
  const { ms, counts } = schedule(); // the local profile's, as the functions bind their queues
  const body = {
    retryConfig: {
      maxAttempts: counts.taskMaxAttempts,
      minBackoffSeconds: ms.taskMinBackoff / 1000,
      maxBackoffSeconds: ms.taskMaxBackoff / 1000,
      maxDoublings: 2,
    },
    rateLimits: limits,
    defaultUri: `http://${HOST}:${PORTS.functions}/${PROJECT_ID}/${REGION}/${queue}`,
  };
  const res = await fetch(
    `http://${HOST}:${PORTS.tasks}/projects/${PROJECT_ID}/locations/${REGION}/queues/${queue}`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    },
  );
  if (!res.ok) throw new Error(`queue ${queue}: HTTP ${res.status} ${await res.text()}`);
}

export async function resetState(): Promise<void> {
  await resetFirestore();
  await clearAuthUsers();
}

/**
 * Signs up `count` users and waits until each has a user document. The sign-up trigger writes
 * it; under load the Functions emulator sometimes fails to load a function for a trigger and
 * drops that event ("Failed to load function"), so after a bounded wait the rest claim their
 * welcome grant through the callable, as an app would (the same document and grant).
 */
export async function signedUpUsers(
  count: number,
  log: (m: string) => void,
  parallel = 8,
): Promise<TestUser[]> {
  const users: TestUser[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        next++;
        users.push(await createUser());
      }
    }),
  );
  const missing = new Set(users.map((u) => u.uid));
  const haveDocuments = async () => {
    const snap = await db().collection("users").get();
    for (const doc of snap.docs) missing.delete(doc.id);
    return missing.size === 0;
  };
  const triggered = await waitFor(haveDocuments, {
    timeoutMs: 90_000,
    intervalMs: 500,
    what: `${count} users' welcome documents`,
  }).then(
    () => true,
    () => false,
  );
  if (!triggered) {
    log(`${missing.size} of ${count} sign-up triggers lost by the emulator: claiming by callable`);
    for (const user of users.filter((u) => missing.has(u.uid)))
      await callFunction("claimWelcomeGrant", {}, user.idToken);
    await waitFor(haveDocuments, { timeoutMs: 30_000, what: "claimed welcome documents" });
  }
  return users;
}
