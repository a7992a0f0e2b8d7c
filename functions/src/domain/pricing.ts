/**
 * Token prices: one table, in tokens per second of video, by model tier, resolution and audio.
 * The functions charge from it and the clients preview from it, so they cannot disagree.
 *
 * `fast` keeps the plan's prices (8 s at 720p without audio = 10 tokens; 1080p and audio each
 * ×1.5). The other tiers follow Vertex AI's list prices relative to Veo 3.1 Fast (Standard
 * about twice Fast without audio and 2.7× with it; Lite about half of Fast at 720p). Every rate
 * is a multiple of 1/16, so rate × seconds is exact in floating point before rounding up.
 */
import { EXTENSION_SECONDS, type Duration, type ModelChoice, type Resolution } from "../contract";

export interface AudioRates {
  silent: number;
  withAudio: number;
}

export const TOKENS_PER_SECOND: Record<ModelChoice, Record<Resolution, AudioRates>> = {
  standard: {
    "720p": { silent: 2.5, withAudio: 5 },
    "1080p": { silent: 3.75, withAudio: 7.5 },
  },
  fast: {
    "720p": { silent: 1.25, withAudio: 1.875 },
    "1080p": { silent: 1.875, withAudio: 2.8125 },
  },
  lite: {
    "720p": { silent: 0.625, withAudio: 0.75 },
    "1080p": { silent: 1, withAudio: 1.25 },
  },
};

export interface PricedOptions {
  model: ModelChoice;
  duration: Duration;
  resolution: Resolution;
  generateAudio: boolean;
  /** An extension is priced for the seconds it adds (`duration` does not apply to it). */
  extend?: unknown;
}

/** Tokens per second of video for these options. */
export function rateOf(options: Omit<PricedOptions, "duration">): number {
  const rates = TOKENS_PER_SECOND[options.model][options.resolution];
  return options.generateAudio ? rates.withAudio : rates.silent;
}

/** The price of one video, rounded up to whole tokens (what a refund of one video gives back). */
export function pricePerVideo(options: PricedOptions): number {
  return Math.ceil(rateOf(options) * options.duration);
}

/**
 * What a request costs. Visual inputs cost nothing extra (Vertex AI prices image-to-video,
 * frames and references like text-to-video); an extension costs the seconds it adds.
 */
export function priceOf(options: PricedOptions): number {
  if (options.extend) return Math.ceil(rateOf(options) * EXTENSION_SECONDS);
  return pricePerVideo(options);
}
