/**
 * Queue options that the prod-scaled profile scales. The start queue's dispatch rate: VEO_STARTS_PER_MINUTE, which must not exceed the model's
 * Vertex AI quota (domain/video-capabilities.ts). Queue options are deploy-time values and
 * firebase-tools' param expressions have no division, so production gets one branch per quota
 * the model table knows (an unknown value falls back to the smallest). The emulator reads the
 * value from its dotenv files, which it also passes to the discovery of the functions.
 */
import type { Expression } from "firebase-functions/params";
import { VIDEO_MODELS } from "../domain/video-capabilities";
import { isEmulator } from "./environment";
import { DEFAULT_STARTS_PER_MINUTE, veoStartsPerMinute } from "./params";
import { PRODUCTION_SECONDS } from "./production";
import { loadTimeScale } from "./time-scale";

export const KNOWN_QUOTAS: readonly number[] = [
  ...new Set(Object.values(VIDEO_MODELS).map((model) => model.startsPerMinute)),
].sort((a, b) => b - a);

export function startDispatchesPerSecond(): number | Expression<number> {
  if (isEmulator()) {
    // Discovery sees only the dotenv files: an unset rate is the param's default, still scaled.
    const perMinute = Number(process.env.VEO_STARTS_PER_MINUTE ?? DEFAULT_STARTS_PER_MINUTE);
    if (Number.isFinite(perMinute) && perMinute > 0) return (perMinute * loadTimeScale()) / 60;
  }
  const smallest = KNOWN_QUOTAS[KNOWN_QUOTAS.length - 1] / 60;
  return KNOWN_QUOTAS.slice(0, -1).reduceRight<number | Expression<number>>(
    (otherwise, quota) => veoStartsPerMinute.equals(quota).thenElse(quota / 60, otherwise),
    smallest,
  );
}

/**
 * Retry backoffs of the worker queues. In the emulator they are plain numbers from its dotenv
 * values, divided by TIME_SCALE; in production the params themselves.
 */
export function workerRetryConfig(params: {
  maxAttempts: Expression<number>;
  minBackoffSeconds: Expression<number>;
  maxBackoffSeconds: Expression<number>;
}) {
  if (!isEmulator()) return { ...params, maxDoublings: 2 };
  const scale = loadTimeScale();
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  return {
    maxAttempts: params.maxAttempts,
    minBackoffSeconds:
      env("TASK_MIN_BACKOFF_SECONDS", PRODUCTION_SECONDS.TASK_MIN_BACKOFF_SECONDS) / scale,
    maxBackoffSeconds:
      env("TASK_MAX_BACKOFF_SECONDS", PRODUCTION_SECONDS.TASK_MAX_BACKOFF_SECONDS) / scale,
    maxDoublings: 2,
  };
}
