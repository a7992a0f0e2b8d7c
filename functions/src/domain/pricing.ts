/**
 * Token prices. The plan's default video (8 s, 720p, no audio) costs 10 tokens; duration
 * scales linearly, 1080p and audio each multiply by 1.5, rounded up to whole tokens.
 */
import type { Duration, Resolution } from "../contract";

export const BASE_COST = 10;
const BASE_SECONDS = 8;
const RESOLUTION_FACTOR: Record<Resolution, number> = { "720p": 2, "1080p": 3 }; // halves
const AUDIO_FACTOR = { without: 2, with: 3 }; // halves

export interface PricedOptions {
  duration: Duration;
  resolution: Resolution;
  generateAudio: boolean;
}

export function priceOf(options: PricedOptions): number {
  const numerator =
    BASE_COST *
    options.duration *
    RESOLUTION_FACTOR[options.resolution] *
    (options.generateAudio ? AUDIO_FACTOR.with : AUDIO_FACTOR.without);
  const denominator = BASE_SECONDS * 2 * 2;
  return Math.ceil(numerator / denominator);
}
