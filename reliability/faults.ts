// Fault injection, all from the test side: duplicate task deliveries, SIGKILLed worker
// processes, a paused or killed S3 server, enqueue failures after the debit, and the sweeper
// running on a short period. Nothing here touches a production code path.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { netNamespace } from "../stack/config";
import { currentS3Pid, startS3 } from "../stack/s3";
import { generateVideo } from "../functions/src/handlers/generate-video";
import { sweepCreations, type SweepReport } from "../functions/src/handlers/sweeper";
import { DEFAULT_LOCAL_STATE_DIR } from "../functions/src/models/local-model";
import type { GenerateVideoInput, GenerateVideoResult } from "../functions/src/contract";
import { callableRequest, setupLocalEnv } from "../test-harness/inprocess";
import { startTaskRecorder } from "../test-harness/task-recorder";
import { enqueueTask } from "../test-harness/task-queue";
import { db } from "../test-harness/pipeline";
import { waitFor } from "../test-harness/wait";
import { schedule, sweepThresholds } from "../functions/src/config/schedule";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second delivery of step 0 under another task id (Cloud Tasks delivers at least once). */
export const deliverTwice = (creationId: string) =>
  enqueueTask("startGeneration", { creationId, step: 0 }, `${creationId}-dup`);

// --- worker processes -------------------------------------------------------------------

function procStat(pid: number): { ppid: number; cmdline: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    return { ppid, cmdline };
  } catch {
    return undefined;
  }
}

export interface RenderingWorker {
  workerPid: number;
  ffmpegPid: number;
  creationId?: string;
  /** When it was killed (killRenderingWorkers). */
  killedAtMs?: number;
}

/**
 * Function worker processes of *this* stack (same network namespace) that are rendering
 * right now: an ffmpeg child whose parent is a functionsEmulatorRuntime process.
 */
export function renderingWorkers(): RenderingWorker[] {
  const ours = netNamespace();
  const found: RenderingWorker[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ffmpegPid = Number(entry);
    const ffmpeg = procStat(ffmpegPid);
    if (!ffmpeg || !/ffmpeg/.test(ffmpeg.cmdline.split(" ")[0])) continue;
    const parent = procStat(ffmpeg.ppid);
    if (!parent?.cmdline.includes("functionsEmulatorRuntime")) continue;
    if (netNamespace(ffmpeg.ppid) !== ours) continue; // another engineer's stack
    found.push({ workerPid: ffmpeg.ppid, ffmpegPid, creationId: creationOfRender(ffmpeg.cmdline) });
  }
  return found;
}

/** The local model renders videos/<operation id>.mp4; its operation record names the creation. */
function creationOfRender(cmdline: string): string | undefined {
  const id = /videos\/([0-9a-f-]{36})\.mp4/.exec(cmdline)?.[1];
  if (!id) return undefined;
  try {
    const record = JSON.parse(
      readFileSync(path.join(DEFAULT_LOCAL_STATE_DIR, "operations", `${id}.json`), "utf8"),
    ) as { request?: { creationId?: string } };
    return record.request?.creationId;
  } catch {
    return undefined;
  }
}

/** SIGKILLs up to `count` workers caught mid-render; polls until done or `until` says stop. */
export async function killRenderingWorkers(
  count: number,
  until: () => boolean,
): Promise<RenderingWorker[]> {
  const killed: RenderingWorker[] = [];
  while (killed.length < count && !until()) {
    const [victim] = renderingWorkers().filter((w) => w.creationId);
    if (victim) {
      for (const pid of [victim.workerPid, victim.ffmpegPid]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      killed.push({ ...victim, killedAtMs: Date.now() });
      await pause(2000); // spread the kills over the run
    } else await pause(100);
  }
  return killed;
}

// --- S3 ---------------------------------------------------------------------------------

function s3Pid(): number {
  const pid = currentS3Pid();
  if (!pid) throw new Error("no S3 server process of this stack (pid file missing)");
  return pid;
}

/** SIGSTOP the S3 server for `ms`: connections hang, then everything resumes. */
export async function pauseS3(ms: number): Promise<void> {
  const pid = s3Pid();
  process.kill(pid, "SIGSTOP");
  try {
    await pause(ms); // the fault's duration, not a wait for state
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

/** SIGKILL the S3 server, leave it down for `ms`, start it again on the same data. */
export async function crashS3(ms: number): Promise<void> {
  const pid = s3Pid();
  process.kill(pid, "SIGKILL");
  await waitFor(() => currentS3Pid() === undefined, { timeoutMs: 10_000, what: "S3 to die" });
  await pause(ms); // the outage
  await startS3(); // pid file updated: the stack's stop() finds this one
}

// --- enqueue failure after the debit ------------------------------------------------------

/**
 * Runs the real generateVideo handler in this process while Cloud Tasks answers every
 * enqueue with an error: the job is charged and flagged `enqueueFailed`, nothing enqueued.
 * Nothing else in this process may enqueue meanwhile (the Admin SDK reads the host per call).
 */
export async function submitWithFailingEnqueue(
  uid: string,
  inputs: GenerateVideoInput[],
): Promise<GenerateVideoResult[]> {
  setupLocalEnv();
  const recorder = await startTaskRecorder();
  recorder.failing = true;
  const tasksHost = process.env.CLOUD_TASKS_EMULATOR_HOST;
  process.env.CLOUD_TASKS_EMULATOR_HOST = recorder.host;
  try {
    const results: GenerateVideoResult[] = [];
    for (const input of inputs) results.push(await generateVideo(callableRequest(input, uid)));
    return results;
  } finally {
    process.env.CLOUD_TASKS_EMULATOR_HOST = tasksHost;
    await recorder.stop();
  }
}

export async function isFlaggedEnqueueFailed(creationId: string): Promise<boolean> {
  return (await db().doc(`creations/${creationId}`).get()).get("enqueueFailed") === true;
}

// --- the sweeper --------------------------------------------------------------------------

/**
 * The scheduled sweeper's handler, in this process, every `periodMs` until stopped, with the
 * thresholds the deployed one uses (the local profile's schedule: this process's params).
 */
export function runSweeperLoop(periodMs: number) {
  const totals: SweepReport = { examined: 0, reEnqueued: 0, refunded: 0 };
  let passes = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const report = await sweepCreations(sweepThresholds(schedule())).catch(() => undefined);
      if (report) {
        passes++;
        totals.examined += report.examined;
        totals.reEnqueued += report.reEnqueued;
        totals.refunded += report.refunded;
      }
      await pause(periodMs);
    }
  })();
  return {
    totals: () => ({ passes, ...totals }),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
