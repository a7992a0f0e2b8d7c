// Settings profiles of the local stack. Both are production's settings with every duration
// divided by one factor, TIME_SCALE, and every rate multiplied by it (the functions divide at
// run time, config/schedule.ts):
// - `local` (default): the factor in functions/.env.demo-phoenix (10, as small a factor as the
//   emulators' unscaled costs allow); the local model renders in 2 s, for day-to-day speed.
// - `prod-scaled`: factor 10 (or --time-scale N), the local model renders as long as Veo, and
//   optionally another production model configuration (--model).
// Neither lists a setting of its own: checks/local-profile.test.ts fails if one does. The
// Functions emulator reads the profile from functions/.env.local, which outranks
// .env.demo-phoenix there.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SWEEP_EVERY_SECONDS, VEO_RENDER_SECONDS } from "../functions/src/config/production";
import { VIDEO_MODELS, type VideoModelId } from "../functions/src/domain/video-capabilities";
import { PORTS, HOST, PROJECT_ID, REPO_ROOT } from "./config";

export type ProfileName = "local" | "prod-scaled";
export const PROFILES: readonly ProfileName[] = ["local", "prod-scaled"];
/** 10 rather than 30: the local model's ffmpeg renders cost real CPU that no factor scales, and at 30
 * the 60 s hard limit is shorter than this 2-core machine needs to render a 150-job backlog. */
export const DEFAULT_TIME_SCALE = 10;
/**
 * Cloud Tasks takes dispatch deadlines of 15 s at least: production's 600 s divided by the
 * factor must stay above it.
 */
export const MAX_TIME_SCALE = 40;

export interface Profile {
  name: ProfileName;
  timeScale: number;
  /**
   * Another production configuration: a GA model of the capability table, with its quota as
   * the start rate: the default (fast) tier on that model, VEO_MODEL_FAST, and VEO_STARTS_PER_MINUTE
   * at its quota, as a deploy for that model sets them.
   */
  model?: VideoModelId;
}

const FUNCTIONS_DIR = path.join(REPO_ROOT, "functions");
const ENV_LOCAL = path.join(FUNCTIONS_DIR, ".env.local");

/** A dotenv file of the functions (KEY=value lines), as the emulator reads it. */
export function readFunctionsDotenv(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path.join(FUNCTIONS_DIR, file), "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return values;
}

/** The day-to-day profile: production divided by the factor in functions/.env.demo-phoenix. */
export function localProfile(): Profile {
  const timeScale = Number(readFunctionsDotenv(".env.demo-phoenix").TIME_SCALE);
  if (!Number.isInteger(timeScale) || timeScale < 1 || timeScale > MAX_TIME_SCALE)
    throw new Error(
      `functions/.env.demo-phoenix: TIME_SCALE must be an integer 1-${MAX_TIME_SCALE}`,
    );
  return { name: "local", timeScale };
}

/** What the emulator gets on top of .env.demo-phoenix for this profile: a factor, never a setting. */
export function profileEnv(profile: Profile): Record<string, string> {
  const model: Record<string, string> = profile.model
    ? {
        VEO_MODEL_FAST: profile.model,
        VEO_STARTS_PER_MINUTE: String(VIDEO_MODELS[profile.model].startsPerMinute),
      }
    : {};
  if (profile.name === "local") return { TIME_SCALE: String(profile.timeScale), ...model };
  return {
    TIME_SCALE: String(profile.timeScale),
    ...model,
    // The local model renders as long as Veo does (then scaled like everything else).
    LOCAL_RENDER_SECONDS: `${VEO_RENDER_SECONDS.min}-${VEO_RENDER_SECONDS.max}`,
  };
}

/** Writes functions/.env.local before the emulators start; `null` removes it. */
export function applyProfile(profile: Profile | null): void {
  rmSync(ENV_LOCAL, { force: true });
  if (!profile) return;
  const lines = Object.entries(profileEnv(profile)).map(([k, v]) => `${k}=${v}`);
  writeFileSync(
    ENV_LOCAL,
    `# Written by the local stack for the ${describeProfile(profile)} profile; do not edit.\n${lines.join("\n")}\n`,
  );
}

export const describeProfile = (profile: Profile): string =>
  `${profile.name} (TIME_SCALE ${profile.timeScale}${profile.model ? `, ${profile.model}` : ""})`;

/** Production seconds in this profile's milliseconds. */
export function scaledMs(profile: Profile, seconds: number): number {
  return (seconds * 1000) / profile.timeScale;
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

/** `--profile NAME`, `--time-scale N` and `--model ID` from a command line. */
export function parseProfile(argv: string[]): Profile {
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const name = (at("--profile") ?? process.env.PHOENIX_PROFILE ?? "local") as ProfileName;
  if (!PROFILES.includes(name)) throw new Error(`--profile must be one of ${PROFILES.join(", ")}`);
  const fallback = name === "local" ? localProfile().timeScale : DEFAULT_TIME_SCALE;
  const timeScale = Number(at("--time-scale") ?? process.env.TIME_SCALE ?? fallback);
  if (!Number.isInteger(timeScale) || timeScale < 1 || timeScale > MAX_TIME_SCALE)
    throw new Error(`--time-scale must be an integer 1-${MAX_TIME_SCALE}`);
  const model = at("--model");
  if (model === undefined) return { name, timeScale };
  if (!(model in VIDEO_MODELS))
    throw new Error(`--model must be one of ${Object.keys(VIDEO_MODELS).join(", ")}`);
  return { name, timeScale, model: model as VideoModelId };
}
