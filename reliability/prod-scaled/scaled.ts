// What the prod-scaled scenarios share: the profile they run on (set by the test runner), the
// functions' events in the emulator log, and figures in scaled and production time.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { EMULATOR_LOG } from "../../stack/config";
import {
  DEFAULT_VIDEO_MODEL,
  VIDEO_MODELS,
  type VideoModelId,
} from "../../functions/src/domain/video-capabilities";

export const TIME_SCALE = Number(process.env.TIME_SCALE ?? 1);
/** The deployment's model and its quota, the start queue's rate (stack/test-files.ts). */
export const MODEL = (process.env.VEO_MODEL_FAST ?? DEFAULT_VIDEO_MODEL) as VideoModelId;
export const STARTS_PER_MINUTE = VIDEO_MODELS[MODEL].startsPerMinute;

/** Production seconds in this run's milliseconds. */
export const scaled = (seconds: number) => (seconds * 1000) / TIME_SCALE;
/** A measured duration, in seconds, and what it stands for in production. */
export const both = (ms: number) =>
  `${(ms / 1000).toFixed(1)} s (${((ms * TIME_SCALE) / 1000).toFixed(0)} s in production)`;

export function requireProdScaled(): void {
  if (process.env.PHOENIX_PROFILE !== "prod-scaled") {
    throw new Error(
      "run through `npm run test:prod-scaled` (the emulators need the prod-scaled profile)",
    );
  }
}

/** Where the emulator log ends now: the functions' events from here on are this scenario's. */
export const logMark = (): number => statSync(EMULATOR_LOG).size;

/** Function log lines written to the emulator log since `from`. */
export function logSince(from: number): string[] {
  const size = statSync(EMULATOR_LOG).size;
  const fd = openSync(EMULATOR_LOG, "r");
  try {
    const buffer = Buffer.alloc(size - from);
    readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString("utf8").split("\n");
  } finally {
    closeSync(fd);
  }
}

export const events = (lines: string[], event: string) =>
  lines.filter((line) => line.includes(`"event":"${event}"`));

/** Most events within any window of `windowMs`. */
export function peakInWindow(atMs: number[], windowMs: number): number {
  const sorted = [...atMs].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
