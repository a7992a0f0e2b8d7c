/**
 * Trigger bindings only. Each handler module is loaded on the first call of its function,
 * so a callable's cold start never pays for the worker's SDKs (S3, Cloud Storage, ffmpeg).
 */
// Narrow entry points: "firebase-functions/v1" as a whole would load the Firestore SDK into every cold start.
import { userWith } from "./config/v1-auth";
import { onCall, onRequest, type CallableOptions } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched, type TaskQueueOptions } from "firebase-functions/v2/tasks";
import {
  r2AccessKeyId,
  r2SecretAccessKey,
  runtimeServiceAccount,
  startMaxConcurrent,
  taskMaxAttempts,
  taskMaxBackoffSeconds,
  taskMinBackoffSeconds,
} from "./config/params";
import {
  labelsFor,
  MAX_INSTANCES,
  POLL_QUEUE_RATE,
  REGION,
  WORKER_MEMORY_MIB,
  workerConcurrency,
  type Component,
} from "./config/deployment";
import { isEmulator } from "./config/environment";
import { startDispatchesPerSecond, workerRetryConfig } from "./config/start-rate";
import { schedule, sweepThresholds, workerTimeoutSecondsAtLoad } from "./config/schedule";

/** Region, identity and cost labels of every function. */
const placed = (component: Component) => ({
  region: REGION,
  serviceAccount: runtimeServiceAccount,
  labels: labelsFor(component),
});

const callableIn = (component: Component): CallableOptions => ({
  ...placed(component),
  cors: true,
  memory: "256MiB",
  cpu: 1,
  concurrency: 80,
  maxInstances: MAX_INSTANCES.callable,
});
const callable = callableIn("api");

export const generateVideo = onCall(callable, async (request) =>
  (await import("./handlers/generate-video")).generateVideo(request),
);

export const healthCheck = onCall(callable, async () =>
  (await import("./handlers/health")).healthCheck(),
);

export const grantTokens = onCall(callableIn("admin"), async (request) =>
  (await import("./handlers/grant-tokens")).grantTokens(request),
);

export const claimWelcomeGrant = onCall(callable, async (request) =>
  (await import("./handlers/claim-welcome")).claimWelcomeGrant(request),
);

const withMedia: CallableOptions = { ...callable, secrets: [r2AccessKeyId, r2SecretAccessKey] };
const lifecycle = async () => {
  const [handlers, runtime, params] = await Promise.all([
    import("./handlers/creation-lifecycle"),
    import("./config/runtime"),
    import("./config/params"),
  ]);
  return {
    handlers,
    deps: {
      media: runtime.mediaStore,
      mediaUrlTtlSeconds: () => params.mediaUrlTtlSeconds.value(),
    },
  };
};

export const publishCreation = onCall(withMedia, async (request) => {
  const { handlers, deps } = await lifecycle();
  return handlers.publishCreation(request, deps);
});

export const cancelCreation = onCall(callable, async (request) =>
  (await import("./handlers/creation-lifecycle")).cancelCreation(request),
);

export const deleteCreation = onCall(withMedia, async (request) => {
  const { handlers, deps } = await lifecycle();
  return handlers.deleteCreation(request, deps);
});

export const getMediaUrl = onCall(withMedia, async (request) => {
  const { handlers, deps } = await lifecycle();
  return handlers.getMediaUrl(request, deps);
});

/** A presigned PUT for one private input image (visual inputs of generateVideo). */
export const createUpload = onCall(withMedia, async (request) => {
  const [{ createUpload }, runtime] = await Promise.all([
    import("./handlers/create-upload"),
    import("./config/runtime"),
  ]);
  return createUpload(request, { media: runtime.mediaStore });
});

/**
 * 1st-gen Auth trigger (2nd gen has only blocking triggers, which run before sign-up completes).
 * 1st-gen functions run in us-central1, our REGION, by default.
 */
export const welcomeUser = userWith({
  serviceAccount: runtimeServiceAccount,
  labels: labelsFor("accounts"),
  memory: "256MB",
  maxInstances: MAX_INSTANCES.accounts,
}).onCreate(async (record) => (await import("./handlers/welcome-user")).welcomeUser(record));

const worker: TaskQueueOptions = {
  ...placed("worker"),
  // 540 s in production; divided by TIME_SCALE in the emulator, like the dispatch deadline.
  timeoutSeconds: workerTimeoutSecondsAtLoad(),
  memory: `${WORKER_MEMORY_MIB / 1024}GiB` as "1GiB",
  cpu: 1,
  // Every delivery may be moving a finished video: sized so that all of them can at once.
  concurrency: workerConcurrency(),
  maxInstances: MAX_INSTANCES.worker,
  invoker: "private",
  secrets: [r2AccessKeyId, r2SecretAccessKey],
  retryConfig: workerRetryConfig({
    maxAttempts: taskMaxAttempts,
    minBackoffSeconds: taskMinBackoffSeconds,
    maxBackoffSeconds: taskMaxBackoffSeconds,
  }),
};

const runWorkerStep = async (
  request: Parameters<typeof import("./handlers/process-creation").processCreation>[0],
) => {
  const [{ processCreation }, runtime, { loadInputs }, { grabFrame, toPng }] = await Promise.all([
    import("./handlers/process-creation"),
    import("./config/runtime"),
    import("./handlers/worker-inputs"),
    import("./models/local-render"),
  ]);
  const [model, media] = await Promise.all([runtime.videoModel(), runtime.mediaStore()]);
  await processCreation(request, {
    model,
    media,
    settings: runtime.workerSettings(),
    loadInputs: (inputs) => loadInputs(inputs, { media, grabFrame, toPng }),
  });
};

/** First step of every creation: starts the paid generation, so it keeps to the model's quota. */
export const startGeneration = onTaskDispatched(
  {
    ...worker,
    rateLimits: {
      maxDispatchesPerSecond: startDispatchesPerSecond(),
      maxConcurrentDispatches: startMaxConcurrent,
    },
  },
  runWorkerStep,
);

/** Later steps: looks at running generations and moves finished videos; not bound by the start quota. */
export const pollGeneration = onTaskDispatched(
  { ...worker, rateLimits: POLL_QUEUE_RATE },
  runWorkerStep,
);

/** One sweeper pass: rescue and refunds, then fresh queue positions for the waiting jobs. */
const sweepPass = async () => {
  const [sweeper, { renderEstimateMs }, uploadSweeper, runtime] = await Promise.all([
    import("./handlers/sweeper"),
    import("./adapters/render-estimate"),
    import("./handlers/upload-sweeper"),
    import("./config/runtime"),
  ]);
  const thresholds = sweepThresholds(schedule());
  const report = await sweeper.sweepCreations(thresholds);
  const repositioned = await sweeper.refreshQueuePositions(
    thresholds.startsPerMinute,
    await renderEstimateMs(),
  );
  const uploadsRemoved = await uploadSweeper.sweepUploads(await runtime.mediaStore());
  return { ...report, repositioned, uploadsRemoved };
};

/** Every 5 minutes: re-enqueues lost work and ends (with a refund) anything past the hard limit. */
export const sweepCreations = onSchedule(
  {
    ...placed("sweeper"),
    schedule: "every 5 minutes",
    timeoutSeconds: 300,
    memory: "256MiB",
    maxInstances: MAX_INSTANCES.sweeper,
    // Expired uploads are removed from R2 too.
    secrets: [r2AccessKeyId, r2SecretAccessKey],
  },
  async () => {
    await sweepPass();
  },
);

/**
 * Prove the local wiring (callable -> Cloud Tasks -> task function -> Firestore) in the smoke
 * test. Emulator only: a production deploy does not contain them.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded only in the emulator */
const testOnly = isEmulator()
  ? (require("./handlers/wiring-check") as typeof import("./handlers/wiring-check"))
  : undefined;
/* eslint-enable @typescript-eslint/no-require-imports */
export const wiringCheck = testOnly?.wiringCheck;
export const wiringCheckTask = testOnly?.wiringCheckTask;

/**
 * Emulator only: the Functions emulator does not run schedules offline, so the local stack
 * calls this on the sweeper's (scaled) schedule; same core and thresholds as sweepCreations.
 */
export const sweepNow = isEmulator()
  ? onRequest({ region: REGION }, async (_request, response) => {
      response.json(await sweepPass());
    })
  : undefined;
