/**
 * Typed settings and adapters built from the params at run time (never at load time), once
 * per instance. Heavy modules load here only when a function first needs them.
 */
import type { MediaStore } from "../adapters/media-store";
import type { ModelChoice } from "../contract";
import type { VideoModel } from "../domain/video-model";
import type { WorkerSettings } from "../domain/worker-step";
import { isEmulator } from "./environment";
import { scaledMs, timeScaleParam } from "./time-scale";
import { schedule } from "./schedule";
import { NotConfiguredError, settingProblems, type DeploymentSettings } from "./readiness";
import {
  localModelDir,
  localRenderSeconds,
  mediaUrlTtlSeconds,
  r2AccessKeyId,
  r2Bucket,
  r2Endpoint,
  r2PublicBucket,
  r2PublicUrl,
  r2SecretAccessKey,
  veoModelFast,
  veoModelLite,
  veoModelStandard,
  veoStartsPerMinute,
  veoOutputUri,
  vertexApiEndpoint,
  vertexLocation,
  vertexProject,
} from "./params";

let media: Promise<MediaStore> | undefined;
let model: Promise<VideoModel> | undefined;

export function mediaStore(): Promise<MediaStore> {
  media ??= import("../adapters/media-store").then(
    ({ MediaStore }) =>
      new MediaStore({
        endpoint: r2Endpoint.value(),
        accessKeyId: r2AccessKeyId.value(),
        secretAccessKey: r2SecretAccessKey.value(),
        bucket: r2Bucket.value(),
        publicBucket: r2PublicBucket.value(),
        publicUrl: r2PublicUrl.value(),
      }),
  );
  return media;
}

export function deploymentSettings(): DeploymentSettings {
  return {
    emulator: isEmulator(),
    vertexProject: vertexProject.value(),
    veoOutputUri: veoOutputUri.value(),
    veoModels: configuredModelIds(),
    veoStartsPerMinute: veoStartsPerMinute.value(),
    r2Endpoint: r2Endpoint.value(),
    r2PublicUrl: r2PublicUrl.value(),
    timeScale: timeScaleParam.value(),
  };
}

/** The Vertex AI model id behind each tier of the `model` input. */
export function configuredModelIds(): Record<ModelChoice, string> {
  return {
    standard: veoModelStandard.value(),
    fast: veoModelFast.value(),
    lite: veoModelLite.value(),
  };
}

/** The problems that keep this deployment from taking work (empty: ready). */
export function readinessProblems(): string[] {
  return settingProblems(deploymentSettings());
}

/**
 * Veo when a Vertex project is configured; the embedded local model in the emulator only.
 * A deployment with missing settings gets no model at all (NotConfiguredError).
 */
export function videoModel(): Promise<VideoModel> {
  const problems = readinessProblems();
  if (problems.length) return Promise.reject(new NotConfiguredError(problems));
  model ??= import("../models/create-video-model").then(({ createVideoModel }) =>
    createVideoModel({
      allowLocalModel: isEmulator(),
      localRenderDelayRangeMs: localRenderRangeMs(),
      vertexProject: vertexProject.value(),
      vertexLocation: vertexLocation.value(),
      veoModelId: veoModelFast.value(),
      veoStorageUri: veoOutputUri.value(),
      vertexApiEndpoint: vertexApiEndpoint.value() || undefined,
      localStateDir: localModelDir.value() || undefined,
    }),
  );
  return model;
}

/** LOCAL_RENDER_SECONDS "MIN-MAX" (production seconds) at the current time scale. */
function localRenderRangeMs(): { min: number; max: number } | undefined {
  const match = /^(\d+)-(\d+)$/.exec(localRenderSeconds.value().trim());
  if (!match) return undefined;
  return { min: scaledMs(Number(match[1])), max: scaledMs(Number(match[2])) };
}

/** Durations in seconds at the current time scale (fractions allowed in the emulator). */
export function workerSettings(): WorkerSettings {
  const { ms, counts } = schedule();
  return {
    leaseSeconds: ms.lease / 1000,
    pollIntervalSeconds: ms.pollInterval / 1000,
    maxAttempts: counts.taskMaxAttempts,
    mediaUrlTtlSeconds: mediaUrlTtlSeconds.value(),
    workerTimeoutSeconds: ms.workerTimeout / 1000,
  };
}
