/**
 * How long a video takes from its start to its draft, for the ETA a pending creation shows
 * (`estimatedReadyAt`). Measured, not assumed: the median `generationTime` of the most recent
 * finished creations. With too few of them (a new deployment) the model's typical render time
 * stands in.
 */

/** Finished creations looked at: enough for a stable median, few enough for a cheap read. */
export const RENDER_SAMPLE_SIZE = 20;
/** Below this many measurements the median says little: the fallback is used instead. */
export const MIN_RENDER_SAMPLES = 5;

/** `generationTimesSeconds`: the `generationTime` field of recent drafts (seconds, as stored). */
export function estimateRenderMs(generationTimesSeconds: unknown[], fallbackMs: number): number {
  const samples = generationTimesSeconds
    .filter((value): value is number => typeof value === "number" && value > 0 && isFinite(value))
    .sort((a, b) => a - b);
  if (samples.length < MIN_RENDER_SAMPLES) return fallbackMs;
  const mid = Math.floor(samples.length / 2);
  const median = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  return Math.round(median * 1000);
}
