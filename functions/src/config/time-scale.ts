/**
 * The prod-scaled profile: every production duration divided by one factor, TIME_SCALE, and
 * nothing else changed (rates multiplied by it). Honoured in the emulator only; outside it the
 * factor must be 1 (config/readiness.ts refuses anything else).
 */
import { defineInt } from "firebase-functions/params";
import { isEmulator } from "./environment";

export const timeScaleParam = defineInt("TIME_SCALE", {
  default: 1,
  description:
    "Emulator only: every production duration is divided by this factor (npm run emulators -- --profile prod-scaled). Must be 1 in production.",
});

/** The factor in effect: the param in the emulator, 1 everywhere else. */
export function timeScale(): number {
  if (!isEmulator()) return 1;
  const factor = timeScaleParam.value();
  return factor >= 1 ? factor : 1;
}

/**
 * The same at load time, when params have no values yet: the emulator passes its dotenv
 * values to the discovery of the functions as environment variables.
 */
export function loadTimeScale(env: NodeJS.ProcessEnv = process.env): number {
  if (!isEmulator(env)) return 1;
  const factor = Number(env.TIME_SCALE ?? 1);
  return Number.isFinite(factor) && factor >= 1 ? factor : 1;
}

/** A duration given in production seconds, in milliseconds at the current scale. */
export const scaledMs = (seconds: number): number => (seconds * 1000) / timeScale();
