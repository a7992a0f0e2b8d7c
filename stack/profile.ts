// Settings profiles of the local stack. `local` (default): functions/.env.demo-phoenix, fast
// enough for day-to-day tests. `prod-scaled`: every production setting, with every production
// duration divided by one factor, TIME_SCALE, and nothing else changed. Its values are read
// from the functions' own production definitions (config/production.ts and the params'
// defaults), never listed twice. The Functions emulator reads them from functions/.env.local,
// which takes precedence over .env.demo-phoenix there.
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as params from "../functions/src/config/params";
import {
  PRODUCTION_SECONDS,
  SWEEP_EVERY_SECONDS,
  VEO_RENDER_SECONDS,
} from "../functions/src/config/production";
import { PORTS, HOST, PROJECT_ID, REPO_ROOT } from "./config";

export type ProfileName = "local" | "prod-scaled";
export const PROFILES: readonly ProfileName[] = ["local", "prod-scaled"];
/** 10 rather than 30: the local model's ffmpeg renders cost real CPU that no factor scales, and at 30
 * the 60 s hard limit is shorter than this 2-core machine needs to render a 150-job backlog. */
export const DEFAULT_TIME_SCALE = 10;

export interface Profile {
  name: ProfileName;
  timeScale: number;
}

const ENV_LOCAL = path.join(REPO_ROOT, "functions", ".env.local");

/** Production values of the settings that shape timing and throughput, as dotenv strings. */
function productionSettings(): Record<string, string> {
  const defaultOf = (param: unknown): string => {
    const value = (param as { options?: { default?: unknown } }).options?.default;
    if (typeof value !== "number" && typeof value !== "string")
      throw new Error("a timing param has no production default");
    return String(value);
  };
  return {
    ...Object.fromEntries(Object.entries(PRODUCTION_SECONDS).map(([k, v]) => [k, String(v)])),
    TASK_MAX_ATTEMPTS: defaultOf(params.taskMaxAttempts),
    VEO_STARTS_PER_MINUTE: defaultOf(params.veoStartsPerMinute),
    START_MAX_CONCURRENT: defaultOf(params.startMaxConcurrent),
    MAX_ACTIVE_CREATIONS: defaultOf(params.maxActiveCreations),
  };
}

/** What the emulator gets on top of .env.demo-phoenix for this profile. */
export function profileEnv(profile: Profile): Record<string, string> {
  if (profile.name === "local") return {};
  return {
    ...productionSettings(),
    TIME_SCALE: String(profile.timeScale),
    // The local model renders as long as Veo does (then scaled like everything else).
    LOCAL_RENDER_SECONDS: `${VEO_RENDER_SECONDS.min}-${VEO_RENDER_SECONDS.max}`,
  };
}

/** Writes (or, for `local`, removes) functions/.env.local before the emulators start. */
export function applyProfile(profile: Profile): void {
  rmSync(ENV_LOCAL, { force: true });
  const env = profileEnv(profile);
  if (!Object.keys(env).length) return;
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  writeFileSync(
    ENV_LOCAL,
    `# Written by the local stack for the ${profile.name} profile (TIME_SCALE ${profile.timeScale}); do not edit.\n${lines.join("\n")}\n`,
  );
}

/** Production seconds in this profile's milliseconds. */
export function scaledMs(profile: Profile, seconds: number): number {
  return (seconds * 1000) / (profile.name === "prod-scaled" ? profile.timeScale : 1);
}

/**
 * The Functions emulator does not run schedules offline: the stack calls the emulator-only
 * `sweepNow` on sweepCreations' schedule (every 5 minutes, scaled). Returns a stop function.
 */
export function startSweeperClock(profile: Profile, log: (m: string) => void): () => void {
  const periodMs = scaledMs(profile, SWEEP_EVERY_SECONDS);
  const url = `http://${HOST}:${PORTS.functions}/${PROJECT_ID}/us-central1/sweepNow`;
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow pass is never overlapped by the next one
    running = true;
    fetch(url, { signal: AbortSignal.timeout(periodMs * 4 + 30_000) })
      .then(async (res) => {
        if (!res.ok) log(`sweeper pass: HTTP ${res.status}`);
        else await res.arrayBuffer();
      })
      .catch((err: unknown) => log(`sweeper pass failed: ${String(err)}`))
      .finally(() => (running = false));
  }, periodMs);
  timer.unref();
  log(`sweeper runs every ${(periodMs / 1000).toFixed(1)}s (${profile.name} profile)`);
  return () => clearInterval(timer);
}

/** `--profile NAME` and `--time-scale N` from a command line. */
export function parseProfile(argv: string[]): Profile {
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const name = (at("--profile") ?? process.env.PHOENIX_PROFILE ?? "local") as ProfileName;
  if (!PROFILES.includes(name)) throw new Error(`--profile must be one of ${PROFILES.join(", ")}`);
  const timeScale = Number(at("--time-scale") ?? process.env.TIME_SCALE ?? DEFAULT_TIME_SCALE);
  if (!Number.isInteger(timeScale) || timeScale < 1)
    throw new Error("--time-scale must be an integer >= 1");
  return { name, timeScale };
}
