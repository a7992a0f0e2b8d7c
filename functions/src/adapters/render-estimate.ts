/**
 * The render estimate behind `estimatedReadyAt`: the median generation time of the last
 * RENDER_SAMPLE_SIZE finished creations (one query ordered by `completedAt`, a single-field
 * index, reading only `generationTime`), cached per instance. No document is written for it,
 * and a submission or a start never reads more than the cached value: per instance, one query
 * of RENDER_SAMPLE_SIZE reads per refresh period at most.
 */
import { VEO_RENDER_SECONDS } from "../config/production";
import { scaledMs } from "../config/time-scale";
import { estimateRenderMs, RENDER_SAMPLE_SIZE } from "../domain/render-estimate";
import { logs } from "../logs";
import { collections, firestore } from "./firebase";

/** How long an instance keeps its estimate (production seconds, scaled like every duration). */
const REFRESH_AFTER_SECONDS = 60;

let cached: { valueMs: number; atMs: number } | undefined;
let refreshing: Promise<number> | undefined;

/** Veo's typical render time at the current time scale: the estimate before any measurement. */
export const typicalRenderMs = (): number =>
  scaledMs((VEO_RENDER_SECONDS.min + VEO_RENDER_SECONDS.max) / 2);

/** The current estimate, in milliseconds; a failed read falls back to the typical time. */
export function renderEstimateMs(nowMs = Date.now()): Promise<number> {
  if (cached && nowMs - cached.atMs < scaledMs(REFRESH_AFTER_SECONDS))
    return Promise.resolve(cached.valueMs);
  refreshing ??= measure()
    .then((valueMs) => {
      cached = { valueMs, atMs: Date.now() };
      return valueMs;
    })
    .catch((err: unknown) => {
      logs.unexpected("renderEstimateMs", err);
      return cached?.valueMs ?? typicalRenderMs();
    })
    .finally(() => (refreshing = undefined));
  return refreshing;
}

async function measure(): Promise<number> {
  const recent = await firestore()
    .collection(collections.creations)
    .orderBy("completedAt", "desc")
    .limit(RENDER_SAMPLE_SIZE)
    .select("generationTime")
    .get();
  return estimateRenderMs(
    recent.docs.map((doc) => doc.get("generationTime") as unknown),
    typicalRenderMs(),
  );
}

/** Forgets the cached estimate (tests). */
export function resetRenderEstimate(): void {
  cached = undefined;
}
