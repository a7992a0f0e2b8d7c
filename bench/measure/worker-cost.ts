// (3) Worker cost: handler busy seconds per video for a 60 s render, through the real
// worker (processCreation) in this process, delivered by a small dispatcher that honours
// each task's schedule time and times every invocation. The plan's design is simulated in
// the same run by a handler that waits: it holds the invocation from the first step until
// the video is stored, sleeping between looks instead of returning.
import { type MediaStore } from "../../functions/src/adapters/media-store";
import { generateVideo } from "../../functions/src/handlers/generate-video";
import { processCreation, type WorkerDeps } from "../../functions/src/handlers/process-creation";
import { LocalVideoModel } from "../../functions/src/models/local-model";
import { taskRequest } from "../../test-harness/dispatch";
import { callableRequest, uniqueUid } from "../../test-harness/inprocess";
import type { RecordedTask, TaskRecorder } from "../../test-harness/task-recorder";
import { PRODUCTION } from "../lib/production";
import { db } from "../lib/stack";
import { spread, type Spread } from "../lib/stats";

export interface WorkerCostResult {
  renderSeconds: number;
  pollIntervalSeconds: number;
  stepped: { busySeconds: Spread; deliveries: Spread };
  waiting: { busySeconds: Spread };
}

type Design = "stepped" | "waiting";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function takeTaskFor(recorder: TaskRecorder, creationId: string): RecordedTask | undefined {
  const i = recorder.tasks.findIndex(
    (t) => (t.data as { creationId?: string }).creationId === creationId,
  );
  return i === -1 ? undefined : recorder.tasks.splice(i, 1)[0];
}

const dueIn = (task: RecordedTask) =>
  task.scheduleTime ? Date.parse(task.scheduleTime) - Date.now() : 0;

/** Runs one creation to its end; returns the handler's busy milliseconds and deliveries. */
async function runCreation(
  design: Design,
  recorder: TaskRecorder,
  creationId: string,
  deps: WorkerDeps,
): Promise<{ busyMs: number; deliveries: number }> {
  let task = takeTaskFor(recorder, creationId);
  let busyMs = 0;
  let deliveries = 0;
  const heldFrom = performance.now();
  while (task) {
    await sleep(dueIn(task)); // stepped: the queue waits; waiting: the handler sleeps
    const started = performance.now();
    await processCreation(taskRequest(task.data), deps);
    busyMs += performance.now() - started;
    deliveries++;
    task = takeTaskFor(recorder, creationId);
  }
  const status = (await db().doc(`creations/${creationId}`).get()).get("status") as string;
  if (status !== "draft") throw new Error(`worker cost: creation ${creationId} ended ${status}`);
  return { busyMs: design === "waiting" ? performance.now() - heldFrom : busyMs, deliveries };
}

async function submit(prompt: string): Promise<string> {
  const result = await generateVideo(callableRequest({ prompt, duration: 4 }, uniqueUid("bench")));
  return result.creationId;
}

export async function measureWorkerCost(
  videos: number,
  renderMs: number,
  recorder: TaskRecorder,
  media: MediaStore,
  log: (m: string) => void,
): Promise<WorkerCostResult> {
  const deps: WorkerDeps = {
    model: new LocalVideoModel(),
    media,
    settings: {
      leaseSeconds: PRODUCTION.leaseSeconds,
      pollIntervalSeconds: PRODUCTION.pollIntervalSeconds,
      maxAttempts: PRODUCTION.maxAttempts,
      mediaUrlTtlSeconds: PRODUCTION.mediaUrlTtlSeconds,
    },
  };
  // Warm-up: loads ffmpeg, the S3 client and the task client once, outside the figures.
  await runCreation("stepped", recorder, await submit("warm-up [[slow:0]]"), deps);

  log(`worker cost: ${videos} videos per design, ${renderMs / 1000} s renders, side by side`);
  const jobs: Array<Promise<{ design: Design; busyMs: number; deliveries: number }>> = [];
  for (let i = 0; i < videos; i++) {
    for (const design of ["stepped", "waiting"] as const) {
      const id = await submit(`worker cost ${design} ${i} [[slow:${renderMs}]]`);
      jobs.push(runCreation(design, recorder, id, deps).then((r) => ({ design, ...r })));
    }
  }
  const results = await Promise.all(jobs);
  const of = (design: Design) => results.filter((r) => r.design === design);
  return {
    renderSeconds: renderMs / 1000,
    pollIntervalSeconds: PRODUCTION.pollIntervalSeconds,
    stepped: {
      busySeconds: spread(of("stepped").map((r) => r.busyMs / 1000)),
      deliveries: spread(of("stepped").map((r) => r.deliveries)),
    },
    waiting: { busySeconds: spread(of("waiting").map((r) => r.busyMs / 1000)) },
  };
}
