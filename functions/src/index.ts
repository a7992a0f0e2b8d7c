/**
 * Trigger bindings only. Each handler module is loaded on the first call of its function,
 * so a callable's cold start never pays for the worker's SDKs (S3, Cloud Storage, ffmpeg).
 */
// Narrow entry points: "firebase-functions/v1" as a whole would load the Firestore SDK into every cold start.
import { user } from "firebase-functions/v1/auth";
import { onCall, type CallableOptions } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched, type TaskQueueOptions } from "firebase-functions/v2/tasks";
import {
  r2AccessKeyId,
  r2SecretAccessKey,
  startMaxConcurrent,
  startRateProfile,
  taskMaxAttempts,
  taskMaxBackoffSeconds,
  taskMinBackoffSeconds,
} from "./config/params";

const REGION = "us-central1";
const WORKER_TIMEOUT_SECONDS = 540; // keep equal to adapters/task-queue.ts WORKER_TIMEOUT_SECONDS

const callable: CallableOptions = { region: REGION, cors: true, memory: "256MiB", concurrency: 80 };

export const generateVideo = onCall(callable, async (request) =>
  (await import("./handlers/generate-video")).generateVideo(request),
);

export const healthCheck = onCall(callable, async () =>
  (await import("./handlers/health")).healthCheck(),
);

export const grantTokens = onCall(callable, async (request) =>
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

/**
 * 1st-gen Auth trigger (2nd gen has only blocking triggers, which run before sign-up completes).
 * 1st-gen functions run in us-central1, our REGION, by default.
 */
export const welcomeUser = user().onCreate(async (record) =>
  (await import("./handlers/welcome-user")).welcomeUser(record),
);

const worker: TaskQueueOptions = {
  region: REGION,
  timeoutSeconds: WORKER_TIMEOUT_SECONDS,
  memory: "1GiB",
  secrets: [r2AccessKeyId, r2SecretAccessKey],
  retryConfig: {
    maxAttempts: taskMaxAttempts,
    minBackoffSeconds: taskMinBackoffSeconds,
    maxBackoffSeconds: taskMaxBackoffSeconds,
    maxDoublings: 2,
  },
};

const runWorkerStep = async (
  request: Parameters<typeof import("./handlers/process-creation").processCreation>[0],
) => {
  const [{ processCreation }, runtime] = await Promise.all([
    import("./handlers/process-creation"),
    import("./config/runtime"),
  ]);
  const [model, media] = await Promise.all([runtime.videoModel(), runtime.mediaStore()]);
  await processCreation(request, { model, media, settings: runtime.workerSettings() });
};

/** First step of every creation: starts the paid generation, so it keeps to the model's quota. */
export const startGeneration = onTaskDispatched(
  {
    ...worker,
    rateLimits: {
      maxDispatchesPerSecond: startRateProfile.equals("veo-quota").thenElse(10 / 60, 50),
      maxConcurrentDispatches: startMaxConcurrent,
    },
  },
  runWorkerStep,
);

/** Later steps: looks at running generations and moves finished videos; not bound by the start quota. */
export const pollGeneration = onTaskDispatched(
  { ...worker, rateLimits: { maxDispatchesPerSecond: 50, maxConcurrentDispatches: 100 } },
  runWorkerStep,
);

/** Every 5 minutes: re-enqueues lost work and ends (with a refund) anything past the hard limit. */
export const sweepCreations = onSchedule(
  { schedule: "every 5 minutes", region: REGION, timeoutSeconds: 300, memory: "256MiB" },
  async () => {
    const [{ sweepCreations: sweep }, params] = await Promise.all([
      import("./handlers/sweeper"),
      import("./config/params"),
    ]);
    await sweep({
      staleAfterMs: params.sweepStaleAfterSeconds.value() * 1000,
      hardLimitMs: params.sweepHardLimitSeconds.value() * 1000,
    });
  },
);

/** Proves the local wiring (callable -> Cloud Tasks -> task function -> Firestore) in the smoke test. */
export { wiringCheck, wiringCheckTask } from "./handlers/wiring-check";
