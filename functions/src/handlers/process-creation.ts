/**
 * The worker: one task delivery advances a creation by one step and returns. A step claims
 * the creation (lease), then starts the generation if it has none, or looks at the running
 * one; unfinished, it schedules the next look and lets go, so no worker waits while the model
 * renders. Finished, it streams the video to R2 and sets the creation to `draft`.
 *
 * Failures: permanent ones (content policy, invalid request) refund and return; transient
 * ones are recorded and thrown so Cloud Tasks retries with backoff; the final attempt refunds.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Request } from "firebase-functions/v2/tasks";
import { Progress } from "../domain/creation-state";
import type { CreationInputs, CreationMedia } from "../contract";
import { ASPECT_SIZES, posterPathOf, spriteGridFor, spritePathOf } from "../domain/previews";
import type { JpegUpload, PreviewMaker } from "../adapters/video-previews";
import {
  mediaPathsOf,
  mediaPathOf,
  pricePerVideoOf,
  videoRequestOf,
  videosAskedOf,
  type Creation,
} from "../domain/creation";
import { undeliveredVideos } from "../domain/refund";
import { categoriesOf } from "../domain/filter-reasons";
import { InputError, ModelError, policyFailure, userMessageFor } from "../domain/failure";
import type { ModelInputs, OperationStatus, VideoModel } from "../domain/video-model";
import {
  decideDeadOperation,
  earlyByMs,
  isDeadOperation,
  isFinalAttempt,
  LEASE_RENEWALS_PER_LEASE,
  type WorkerSettings,
} from "../domain/worker-step";
import * as creationStore from "../adapters/creation-store";
import type { MediaStore } from "../adapters/media-store";
import { enqueueStep, QUEUES, type StepTask } from "../adapters/task-queue";
import { WORKER_TIMEOUT_SECONDS } from "../config/deployment";
import { logs } from "../logs";

export type { WorkerSettings };

export type WorkerStore = Pick<
  typeof creationStore,
  "claimCreation" | "finishCreation" | "getCreation" | "refundCreation" | "updateIfOwner"
>;

export interface WorkerDeps {
  model: VideoModel;
  media: Pick<MediaStore, "upload" | "signedUrl" | "remove">;
  settings: WorkerSettings;
  /** Makes each video's poster and spritesheet (absent: none are made). */
  previews?: PreviewMaker;
  /** The creation store and the task queue (tests pass fakes). */
  store?: WorkerStore;
  enqueueStep?: typeof enqueueStep;
  /** Loads and checks a creation's visual inputs before the model is started (handlers/worker-inputs.ts). */
  loadInputs?: (inputs: CreationInputs) => Promise<ModelInputs>;
}

/** The deps with the production store and queue filled in. */
type Deps = Required<Omit<WorkerDeps, "previews">> & Pick<WorkerDeps, "previews">;
const withDefaults = (deps: WorkerDeps): Deps => ({
  store: creationStore,
  enqueueStep,
  loadInputs: () => Promise.reject(new Error("this worker has no input loader")),
  ...deps,
});

/** Without an estimate from the model, progress assumes a render takes about this long. */
const EXPECTED_RENDER_MS = 60_000;

/** Thrown when another delivery holds the creation: Cloud Tasks retries after a backoff. */
export class CreationBusyError extends Error {
  constructor(creationId: string) {
    super(`creation ${creationId} is being worked on by another delivery`);
    this.name = "CreationBusyError";
  }
}

export function parseStepTask(data: unknown): StepTask | null {
  const task = data as Partial<StepTask> | null;
  if (typeof task?.creationId !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(task.creationId))
    return null;
  const step = task.step ?? 0;
  return Number.isInteger(step) && step >= 0 ? { creationId: task.creationId, step } : null;
}

export async function processCreation(
  request: Request<unknown>,
  workerDeps: WorkerDeps,
): Promise<void> {
  const deps = withDefaults(workerDeps);
  const task = parseStepTask(request.data);
  if (!task) {
    // Throwing would make Cloud Tasks retry a payload that can never succeed.
    logs.unexpected("processCreation", new Error("malformed task payload"), { data: request.data });
    return;
  }
  // A delivery ahead of its schedule (only the emulator does that) waits until it is due.
  const early = earlyByMs(
    request.scheduledTime,
    Date.now(),
    deps.settings.pollIntervalSeconds * 1000,
  );
  if (early > 0) await sleep(early);
  const attempt = request.retryCount;
  const final = isFinalAttempt(attempt, deps.settings.maxAttempts);
  const owner = `${task.step}:${attempt}:${randomUUID()}`;
  const now = Date.now();
  const { claim, creation } = await deps.store.claimCreation(
    task.creationId,
    task.step,
    owner,
    now,
    deps.settings.leaseSeconds * 1000,
  );
  if (claim.outcome === "skip") return logs.stepSkipped(task.creationId, task.step, claim.why);
  if (claim.outcome === "busy" || !creation) {
    logs.stepBusy(task.creationId, task.step, attempt);
    if (final) return; // the holder finishes it, or the sweeper recovers it
    throw new CreationBusyError(task.creationId);
  }
  try {
    await runStep(task, creation, owner, deps);
  } catch (err) {
    await handleFailure(task, creation, owner, err, attempt, final, deps);
  }
}

/**
 * Renews the lease during a transfer, the one phase that can outlast it (starts and polls are
 * single API calls with a 30 s timeout). So the lease can stay shorter than the first retry
 * backoff: a crashed holder's lease has lapsed when its retry arrives. Renewal stops at the
 * worker timeout (a hung handler must not hold the creation forever) or when the lease is gone.
 */
function keepLease(
  creationId: string,
  owner: string,
  leaseMs: number,
  timeoutSeconds: number,
  store: WorkerStore,
): () => void {
  let stopped = false;
  const giveUpAt = Date.now() + timeoutSeconds * 1000;
  const timer = setInterval(() => {
    if (Date.now() > giveUpAt) return stop();
    void store.updateIfOwner(creationId, owner, { leaseExpiresAtMs: Date.now() + leaseMs }).then(
      (renewed) => {
        if (!renewed && !stopped) stop();
      },
      (err: unknown) => logs.unexpected("keepLease", err, { creationId }),
    );
  }, leaseMs / LEASE_RENEWALS_PER_LEASE);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}

async function runStep(
  task: StepTask,
  creation: Creation,
  owner: string,
  deps: Deps,
): Promise<void> {
  const { creationId } = task;
  const request = videoRequestOf(creationId, creation);
  const modelUsed = deps.model.modelFor?.(request) ?? deps.model.modelId;
  let operationName = creation.operationName;
  let startedAtMs = creation.operationStartedAtMs ?? Date.now();
  if (!operationName) {
    // Inputs are checked before the paid start: a bad upload costs nothing but this read.
    const inputs = creation.inputs ? await deps.loadInputs(creation.inputs) : undefined;
    ({ operationName } = await deps.model.start(
      { ...request, ...(inputs ? { inputs } : {}) },
      creation.retryCount,
    ));
    startedAtMs = Date.now();
    // Saved at once: a retry after a crash resumes this operation instead of paying for another.
    const saved = await deps.store.updateIfOwner(creationId, owner, {
      operationName,
      operationStartedAtMs: startedAtMs,
      modelUsed,
      progress: Progress.started,
    });
    if (!saved) return logs.leaseLost(creationId, `started ${operationName}`);
    logs.generationStarted(creationId, operationName, modelUsed);
  } else {
    logs.generationResumed(creationId, operationName);
  }

  const status = await deps.model.poll(operationName, creation.retryCount);
  if (!status.done) return scheduleNextLook(task, owner, status, startedAtMs, deps);
  await deliver(creationId, creation, owner, status, startedAtMs, modelUsed, deps);
}

async function scheduleNextLook(
  task: StepTask,
  owner: string,
  status: Extract<OperationStatus, { done: false }>,
  startedAtMs: number,
  deps: Deps,
): Promise<void> {
  const estimate =
    status.progress ?? Math.min((Date.now() - startedAtMs) / EXPECTED_RENDER_MS, 0.95);
  const progress = Progress.rendering(estimate);
  const next = { creationId: task.creationId, step: task.step + 1 };
  // Enqueue before letting go: if this fails, the throw retries this step and nothing is lost.
  await deps.enqueueStep(QUEUES.poll, next, deps.settings.pollIntervalSeconds);
  await deps.store.updateIfOwner(task.creationId, owner, {
    workerStep: next.step,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    progress,
  });
  logs.generationRunning(task.creationId, task.step, progress);
}

async function deliver(
  creationId: string,
  creation: Creation,
  owner: string,
  status: Extract<OperationStatus, { done: true }>,
  startedAtMs: number,
  modelUsed: string,
  deps: Deps,
): Promise<void> {
  const transferStart = Date.now();
  const renewed = await deps.store.updateIfOwner(creationId, owner, {
    progress: Progress.transferring,
    leaseExpiresAtMs: transferStart + deps.settings.leaseSeconds * 1000,
  });
  if (!renewed) return logs.leaseLost(creationId, "transfer");
  const asked = videosAskedOf(creation);
  const videos = (status.videos ?? [status.video]).slice(0, asked);
  const paths = videos.map((_, index) => mediaPathOf(creation.userId, creationId, index));
  const stopRenewing = keepLease(
    creationId,
    owner,
    deps.settings.leaseSeconds * 1000,
    deps.settings.workerTimeoutSeconds ?? WORKER_TIMEOUT_SECONDS,
    deps.store,
  );
  const metadata = (index: number) => ({
    user: creation.userId,
    creation: creationId,
    video: String(index),
    app: "phoenix",
    service: "video-generation",
    phase: "3",
  });
  const media: CreationMedia[] = [];
  try {
    // One at a time: each upload streams with bounded memory, so the worker's budget holds.
    for (const [index, video] of videos.entries()) {
      const stream = await deps.model.openVideo(video);
      await deps.media.upload(paths[index], stream, video.contentType, metadata(index));
      const { url } = await deps.media.signedUrl(paths[index], deps.settings.mediaUrlTtlSeconds);
      media.push({
        index,
        path: paths[index],
        url,
        seed: video.seed ?? null,
        ...(await makePreviews(creationId, creation, paths[index], url, metadata(index), deps)),
      });
    }
  } finally {
    stopRenewing();
  }
  const filtered = status.filtered
    ? categoriesOf(status.filtered.reasons, status.filtered.count)
    : [];
  const undelivered = undeliveredVideos(asked, videos.length, filtered);
  const generationTime = Math.round((Date.now() - startedAtMs) / 100) / 10;
  const finished = await deps.store.finishCreation(creationId, owner, {
    fields: {
      mediaPath: paths[0],
      mediaUrl: media[0].url,
      generationTime,
      modelUsed,
      ...(status.enhancedPrompt ? { enhancedPrompt: status.enhancedPrompt } : {}),
    },
    media,
    undelivered,
    ...(status.filtered ? { filterDetails: { ...status.filtered } } : {}),
  });
  if (!finished) {
    logs.leaseLost(creationId, "finish");
    // Refunded meanwhile (sweeper): objects without a deliverable creation must not stay.
    const now = await deps.store.getCreation(creationId);
    if (!now || now.refunded) {
      await Promise.all(
        mediaPathsOf({ media, mediaPath: null }).map((path) => deps.media.remove(path)),
      );
    }
    return;
  }
  logs.videoStored(creationId, paths[0], Date.now() - transferStart, generationTime);
  if (undelivered.length) {
    logs.videosRefunded(creationId, creation.userId, undelivered, pricePerVideoOf(creation));
  }
  for (const video of videos) {
    await deps.model
      .discardVideo(video)
      .catch((err) => logs.cleanupFailed(creationId, video.uri, err));
  }
}

/**
 * The poster and the spritesheet of one stored video, made by ffmpeg from its link and
 * streamed next to it. Best effort: a video is delivered without them rather than not at all.
 */
async function makePreviews(
  creationId: string,
  creation: Creation,
  videoPath: string,
  videoUrl: string,
  metadata: Record<string, string>,
  deps: Deps,
): Promise<Partial<CreationMedia>> {
  const maker = deps.previews;
  if (!maker) return {};
  const ttl = deps.settings.mediaUrlTtlSeconds;
  const store = async (path: string, make: (upload: JpegUpload) => Promise<void>) => {
    try {
      await make((jpeg) => deps.media.upload(path, jpeg, "image/jpeg", metadata));
      return (await deps.media.signedUrl(path, ttl)).url;
    } catch (err) {
      logs.previewFailed(creationId, path, err);
      await deps.media.remove(path).catch(() => undefined);
      return null;
    }
  };
  const posterPath = posterPathOf(videoPath);
  const posterUrl = await store(posterPath, (upload) => maker.poster(videoUrl, upload));
  const spritePath = spritePathOf(videoPath);
  const sprite = spriteGridFor(creation.duration, ASPECT_SIZES[creation.aspectRatio]);
  const spriteUrl = await store(spritePath, (upload) =>
    maker.spritesheet(videoUrl, sprite, upload),
  );
  return {
    posterPath: posterUrl ? posterPath : null,
    posterUrl,
    spritePath: spriteUrl ? spritePath : null,
    spriteUrl,
    sprite: spriteUrl ? sprite : null,
  };
}

async function handleFailure(
  task: StepTask,
  creation: Creation,
  owner: string,
  err: unknown,
  attempt: number,
  final: boolean,
  deps: Deps,
): Promise<void> {
  const { store } = deps;
  const message = err instanceof Error ? err.message : String(err);
  const permanent = err instanceof ModelError && err.permanent;
  const dead = err instanceof ModelError && !permanent && isDeadOperation(err);
  if (dead && decideDeadOperation(creation.generationRestarts ?? 0) === "restart") {
    return restartGeneration(task, creation, owner, message, deps);
  }
  if (permanent || final || dead) {
    const kind = permanent ? err.kind : "exhausted";
    logs.permanentFailure(
      task.creationId,
      kind,
      message,
      err instanceof ModelError ? err.details : {},
    );
    // A filtered result says why, in one of a few categories (never the raw support code).
    const filter =
      kind === "policy" && err instanceof ModelError ? policyFailure(err.details) : undefined;
    const result = await store.refundCreation(task.creationId, {
      status: "failed",
      error:
        err instanceof InputError ? err.userMessage : (filter?.message ?? userMessageFor(kind)),
      errorKind: kind,
      ...(filter ? { filterCategory: filter.category } : {}),
      lastError: message.slice(0, 500),
      details: err instanceof ModelError ? err.details : {},
      onlyIf: (current) => current.leaseOwner === owner,
    });
    if (result.refunded) logs.refunded(task.creationId, creation.userId, creation.cost, kind);
    return;
  }
  logs.transientFailure(task.creationId, attempt, message, final);
  const recorded = await store.updateIfOwner(task.creationId, owner, {
    retryCount: creation.retryCount + 1,
    lastError: message.slice(0, 500),
    leaseOwner: null,
    leaseExpiresAtMs: null,
  });
  // Not recorded: the creation ended or changed hands meanwhile, so there is nothing to retry.
  if (recorded) throw err;
}

/**
 * The operation finished with a retryable error: start a fresh generation as the next step,
 * through the start queue so it keeps to the model's quota. Enqueued before the creation lets
 * go of the dead operation: if the enqueue fails, this step is retried and polls it again.
 */
async function restartGeneration(
  task: StepTask,
  creation: Creation,
  owner: string,
  message: string,
  deps: Deps,
): Promise<void> {
  const next = { creationId: task.creationId, step: task.step + 1 };
  await deps.enqueueStep(QUEUES.start, next);
  const restarts = (creation.generationRestarts ?? 0) + 1;
  const saved = await deps.store.updateIfOwner(task.creationId, owner, {
    operationName: null,
    operationStartedAtMs: null,
    generationRestarts: restarts,
    retryCount: creation.retryCount + 1,
    lastError: message.slice(0, 500),
    workerStep: next.step,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    progress: Progress.claimed,
  });
  if (saved) logs.generationRestarted(task.creationId, creation.operationName, restarts);
  else logs.leaseLost(task.creationId, "restart");
}
