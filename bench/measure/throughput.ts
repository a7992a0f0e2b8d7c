// (5) Throughput: zero-latency jobs ([[slow:0]]: the model is done at its first look, leaving
// the ffmpeg render) end to end through the emulators, at a given start-queue concurrency.
// Stages come from each creation's timestamps and the worker's `video-stored` log event.
import { readFileSync } from "node:fs";
import { EMULATOR_LOG } from "../lib/emulators";
import { callFunction } from "../../test-harness/callable";
import { waitFor } from "../../test-harness/wait";
import { db, setQueueLimits, signedUpUsers, type QueueLimits } from "../lib/stack";
import { median, percentile } from "../lib/stats";

const END = new Set(["draft", "published", "failed", "cancelled"]);
const SUBMITTERS = 16;

export interface ThroughputRun {
  jobs: number;
  /** Jobs refused or lost at submission, ended other than draft, or unfinished at the deadline. */
  failed: number;
  videosPerMinute: number;
  /** Submission (createdAt) to draft (completedAt), per job. */
  overheadMs: { p50: number; p95: number };
  /** Medians per job, ms. */
  stages: { queue: number; claim: number; render: number; transfer: number; finish: number };
}

const ms = (t: unknown) => (t as { toMillis(): number } | null)?.toMillis() ?? Number.NaN;

/** transferMs of the worker's `video-stored` events, by creation id. */
function transferTimes(): Map<string, number> {
  const out = new Map<string, number>();
  let text = "";
  try {
    text = readFileSync(EMULATOR_LOG, "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    if (!line.includes('"video-stored"')) continue;
    try {
      const event = JSON.parse(line.slice(line.indexOf("{"))) as {
        creationId: string;
        transferMs: number;
      };
      out.set(event.creationId, event.transferMs);
    } catch {
      // a line cut by a concurrent write
    }
  }
  return out;
}

export async function measureThroughput(
  jobs: number,
  startQueue: QueueLimits,
  log: (m: string) => void,
): Promise<ThroughputRun> {
  await setQueueLimits("startGeneration", startQueue);
  const users = await signedUpUsers(jobs, log);
  const started = Date.now();
  let next = 0;
  const ids: string[] = [];
  let submitErrors = 0;
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (next < jobs) {
        const user = users[next++];
        try {
          const { result } = await callFunction<{ creationId: string }>(
            "generateVideo",
            { prompt: "throughput [[slow:0]]" },
            user.idToken,
          );
          ids.push(result.creationId);
        } catch (err) {
          if (!submitErrors++) log(`throughput: a submission failed (counted): ${String(err)}`);
        }
      }
    }),
  );
  const snapshots = async () =>
    ids.length ? db().getAll(...ids.map((id) => db().doc(`creations/${id}`))) : [];
  // Jobs still running at the deadline count as failed; the figure is taken from the others.
  const docs = await waitFor(
    async () => {
      const snaps = await snapshots();
      return snaps.every((s) => END.has(s.get("status") as string)) && snaps;
    },
    { timeoutMs: 15 * 60_000, intervalMs: 1000, what: `${jobs} jobs to end` },
  ).catch(async (err: unknown) => {
    log(`throughput: ${String(err)}; unfinished jobs are counted as failed`);
    return snapshots();
  });
  const transfers = transferTimes();
  const rows = docs.map((snap) => {
    const created = ms(snap.get("createdAt"));
    const workerStarted = ms(snap.get("workerStartedAt"));
    const operationStarted = snap.get("operationStartedAtMs") as number;
    const completed = ms(snap.get("completedAt"));
    // The worker's clock: generationTime runs from the operation start to just before the
    // finishing commit (0.1 s steps); transferMs from the transfer's start to after it.
    const generation = (snap.get("generationTime") as number) * 1000;
    const transferAndFinish = transfers.get(snap.id) ?? Number.NaN;
    const finish = completed - operationStarted - generation;
    return {
      status: snap.get("status") as string,
      completed,
      overhead: completed - created,
      queue: workerStarted - created,
      claim: operationStarted - workerStarted,
      render: completed - transferAndFinish - operationStarted,
      transfer: transferAndFinish - finish,
      finish,
    };
  });
  const ok = rows.filter((r) => r.status === "draft");
  const spanMs = Math.max(...ok.map((r) => r.completed)) - started;
  const med = (key: keyof (typeof rows)[number]) =>
    median(ok.map((r) => r[key] as number).filter(Number.isFinite));
  const result: ThroughputRun = {
    jobs,
    failed: submitErrors + rows.length - ok.length,
    videosPerMinute: (ok.length / spanMs) * 60_000,
    overheadMs: {
      p50: percentile(
        ok.map((r) => r.overhead),
        50,
      ),
      p95: percentile(
        ok.map((r) => r.overhead),
        95,
      ),
    },
    stages: {
      queue: med("queue"),
      claim: med("claim"),
      render: med("render"),
      transfer: med("transfer"),
      finish: med("finish"),
    },
  };
  log(
    `throughput (start concurrency ${startQueue.maxConcurrentDispatches}): ` +
      `${result.videosPerMinute.toFixed(0)} videos/min, overhead p50 ${result.overheadMs.p50} ms`,
  );
  return result;
}
