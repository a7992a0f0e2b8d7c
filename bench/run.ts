// `npm run bench`: starts the local stack, measures the five figures of issue 9 next to
// their baselines in the same run, and prints one table (Markdown, pasteable into the README).
// Run it in a network namespace of its own (see bench/README.md). Knobs (env):
//   BENCH_RUNS (3)            runs per figure for medians and spread
//   BENCH_ONLY (1,2,3,4,5)    a subset of the figures
//   BENCH_RENDER_MS (60000)   render time for the worker-cost figure
//   BENCH_UPLOAD_MIB (512)    object size for the streaming figure
//   BENCH_JOBS (100)          jobs per throughput run
//   BENCH_LEVELS (1,16,64)    submission concurrencies
//   BENCH_REST (1)            0: figure 1 without its second pass over REST (preferRest)
import os from "node:os";
import { buildFunctions } from "../stack/build";
import { startStack } from "../stack/stack";
import { startEmulators } from "./lib/emulators";
import { PREFER_REST_ENV } from "./lib/prefer-rest";
import { startMetadataServer } from "../stack/metadata-server";
import { snapshotProject } from "./lib/project";
import { MediaStore } from "../functions/src/adapters/media-store";
import { loadLocalParams } from "../test-harness/params";
import { startTaskRecorder } from "../test-harness/task-recorder";
import { measureColdStart } from "./measure/cold-start";
import { measureStreamingMemory } from "./measure/streaming-memory";
import { measureSubmission } from "./measure/submission";
import { measureThroughput } from "./measure/throughput";
import { measureWorkerCost } from "./measure/worker-cost";
import { PRODUCTION, QUEUE_RATES, localOverrides } from "./lib/production";
import { schedule } from "../functions/src/config/schedule";
import { timeScale } from "../functions/src/config/time-scale";
import { resetState, setQueueLimits } from "./lib/stack";
import { renderTable } from "./lib/table";
import { rows, type Figures } from "./report";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RUNS = num("BENCH_RUNS", 3);
const ONLY = new Set((process.env.BENCH_ONLY ?? "1,2,3,4,5").split(",").map(Number));
const write = process.stdout.write.bind(process.stdout);
const log = (m: string) => write(`  · ${m}\n`);

/** Runs `fn` with other output dropped: the in-process worker logs every step as JSON. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the same streams below
  const saved = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = process.stderr.write = () => true;
  try {
    return await fn();
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const oneLine = (err: unknown) =>
  (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split("\n")[0];

/** Runs one figure; a figure that throws is recorded for the table and the run goes on. */
async function measure(figures: Figures, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log(`${name} failed: ${oneLine(err)}`);
    (figures.failures ??= []).push({ figure: name, error: oneLine(err) });
  }
}

/** Starts the stack, measures the figures asked for and stops everything again. */
async function measureAll(figures: Figures): Promise<void> {
  const project = snapshotProject();
  process.env.BENCH_FUNCTIONS_LIB = project.functionsLib;
  const metadata = await startMetadataServer();
  process.env.GCE_METADATA_HOST = metadata.host; // as production has one; see stack/metadata-server.ts
  const stack = await startStack({ firebase: false, freshData: true, log });
  log("starting the Firebase emulators on a snapshot of the functions (.bench/project)");
  let emulators = await startEmulators(project.projectDir).catch(async (err: unknown) => {
    await stack.stop();
    throw err;
  });
  const recorder = await startTaskRecorder();
  try {
    Object.assign(process.env, stack.env);
    loadLocalParams();
    // The start queue as the emulator binds it: production's, its rate times TIME_SCALE.
    const { perMinute, counts } = schedule();
    const local = {
      maxConcurrentDispatches: counts.startMaxConcurrent,
      maxDispatchesPerSecond: perMinute.starts / 60,
    };
    if (ONLY.has(1))
      await measure(figures, "1. submission latency", async () => {
        const levels = (process.env.BENCH_LEVELS ?? "1,16,64").split(",").map(Number);
        figures.submission = await measureSubmission(levels, RUNS, local, log);
        await resetState();
        if (process.env.BENCH_REST === "0") return;
        // The same with the functions' Admin Firestore client on REST (preferRest), which the
        // SDK also reads from FIRESTORE_PREFER_REST: the emulators restart with it set.
        log("restarting the Firebase emulators with FIRESTORE_PREFER_REST=true");
        await emulators.stop();
        emulators = await startEmulators(project.projectDir, PREFER_REST_ENV);
        figures.submissionRest = await measureSubmission(levels, RUNS, local, log);
        await resetState();
        await emulators.stop();
        emulators = await startEmulators(project.projectDir);
      });
    if (ONLY.has(2))
      await measure(figures, "2. cold start", async () => {
        figures.coldStart = await measureColdStart(RUNS + 2, recorder, log);
      });
    if (ONLY.has(3))
      await measure(figures, "3. worker cost", async () => {
        // In-process worker steps enqueue to the recorder, never to the emulator's queues.
        const emulatorTasks = process.env.CLOUD_TASKS_EMULATOR_HOST;
        process.env.CLOUD_TASKS_EMULATOR_HOST = recorder.host;
        try {
          const media = new MediaStore({
            endpoint: stack.env.R2_ENDPOINT,
            accessKeyId: stack.env.R2_ACCESS_KEY_ID,
            secretAccessKey: stack.env.R2_SECRET_ACCESS_KEY,
            bucket: stack.env.R2_BUCKET,
            publicBucket: stack.env.R2_PUBLIC_BUCKET,
            publicUrl: "http://127.0.0.1:9000/phoenix-media-public",
          });
          const renderMs = num("BENCH_RENDER_MS", 60_000);
          figures.workerCost = await quietly(() =>
            measureWorkerCost(RUNS, renderMs, recorder, media, log),
          );
        } finally {
          process.env.CLOUD_TASKS_EMULATOR_HOST = emulatorTasks;
        }
      });
    if (ONLY.has(4))
      await measure(figures, "4. streaming memory", async () => {
        figures.streaming = await measureStreamingMemory(num("BENCH_UPLOAD_MIB", 512), RUNS, log);
      });
    if (ONLY.has(5))
      await measure(figures, "5. throughput", async () => {
        const jobs = num("BENCH_JOBS", 100);
        const rate = QUEUE_RATES.startUnthrottledPerSecond;
        const production = {
          maxConcurrentDispatches: PRODUCTION.startMaxConcurrent,
          maxDispatchesPerSecond: rate,
        };
        await setQueueLimits("pollGeneration", QUEUE_RATES.poll);
        // Each profile after a warm-up run that fills its start slots: the emulator spawns a
        // worker process per concurrent delivery, a cost production instances pay once.
        const profile = async (limits: typeof local) => {
          await resetState();
          await measureThroughput(Math.min(jobs, limits.maxConcurrentDispatches), limits, log);
          return measureThroughput(jobs, limits, log);
        };
        figures.throughput = {
          production: await profile(production),
          local: await profile(local),
          productionConcurrency: PRODUCTION.startMaxConcurrent,
          localConcurrency: local.maxConcurrentDispatches,
        };
      });
  } finally {
    await recorder.stop();
    await emulators.stop();
    await stack.stop();
    await metadata.stop();
  }
}

function printReport(figures: Figures, loadBefore: string): void {
  console.log(
    `\nPhoenix bench — ${new Date().toISOString()}, ${os.cpus().length} CPUs, ` +
      `load average ${loadBefore} before, ${load()} after; medians of ${RUNS} runs (min–max)\n`,
  );
  console.log(renderTable(rows(figures)));
  if (figures.coldStart) {
    const c = figures.coldStart;
    console.log(
      `\ngenerateVideo's path loads ${c.lazy.modules} modules from ${c.packages.length} packages: ` +
        `${c.packages.join(", ")}; worker SDKs among them: ${c.heavyLoaded.join(", ") || "none"} ` +
        `(index.js alone: ${c.entryOnly.modules} modules, worker SDKs: ${c.entryOnly.heavyLoaded.join(", ") || "none"}).`,
    );
  }
  console.log(
    `Local profile (functions/.env.demo-phoenix): production with durations divided by ` +
      `TIME_SCALE ${timeScale()}; set there: ` +
      localOverrides()
        .map((o) => `${o.name} ${o.local} (prod ${o.production})`)
        .join(", "),
  );
}

/** The table is printed whatever happened: a failed figure or a stack that did not start shows in it. */
async function main(): Promise<number> {
  const loadBefore = load();
  console.log(`▶ bench: ${RUNS} runs per figure; load average ${loadBefore}`);
  const figures: Figures = {};
  await measure(figures, "bench stack (build, start, stop)", async () => {
    if (!(await buildFunctions())) throw new Error("the functions build failed");
    await measureAll(figures);
  });
  printReport(figures, loadBefore);
  return figures.failures?.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
