// "Local settings are production's settings scaled in time, never a second list." The local
// stack's profiles may set a time factor and where the local services are, nothing else; the
// timing and throughput the functions apply under them must equal production's with every
// duration divided by the factor and every rate multiplied by it, counts unchanged.
import { expect } from "chai";
import * as params from "../functions/src/config/params";
import {
  schedule,
  wholeSeconds,
  workerTimeoutSecondsAtLoad,
} from "../functions/src/config/schedule";
import { startDispatchesPerSecond, workerRetryConfig } from "../functions/src/config/start-rate";
import { SWEEP_EVERY_SECONDS } from "../functions/src/config/production";
import { VIDEO_MODELS } from "../functions/src/domain/video-capabilities";
import { TIERS } from "../stack/test-files";
import {
  describeProfile,
  localProfile,
  MAX_TIME_SCALE,
  profileEnv,
  readFunctionsDotenv,
  scaledMs,
  type Profile,
} from "../stack/profile";

/** What a local profile may set besides TIME_SCALE: where the local services are. */
const SERVICE_ADDRESSES = ["R2_ENDPOINT", "R2_BUCKET", "R2_PUBLIC_BUCKET", "R2_PUBLIC_URL"];
/** Emulator-only knobs of the local model (no production meaning). */
const LOCAL_MODEL_KNOBS = ["LOCAL_RENDER_SECONDS"];

type Env = Record<string, string>;

/** Every param's production default, as `firebase deploy` applies them. */
function productionDefaults(): Env {
  const env: Env = {};
  for (const param of Object.values(params)) {
    const { name, options } = param as { name: string; options?: { default?: unknown } };
    const value = options?.default;
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean")
      env[name] = String(value);
  }
  return env;
}

/** Runs `read` with exactly these variables (plus PATH/HOME), as a function instance sees them. */
function under<T>(env: Env, read: () => T): T {
  const saved = process.env;
  process.env = { PATH: saved.PATH, HOME: saved.HOME, ...env };
  try {
    return read();
  } finally {
    process.env = saved;
  }
}

/**
 * What the emulator's discovery of the functions sees: its dotenv files only. Queue options
 * are bound there, before any param default is filled in.
 */
const discoveryEnv = (profile: Profile): Env => ({
  ...readFunctionsDotenv(".env.demo-phoenix"),
  ...profileEnv(profile),
  FUNCTIONS_EMULATOR: "true",
});

const emulatorEnv = (profile: Profile, extra: Env = {}): Env => ({
  ...productionDefaults(),
  ...readFunctionsDotenv(".env.demo-phoenix"),
  ...profileEnv(profile),
  ...extra,
  FUNCTIONS_EMULATOR: "true",
});

/** Where `local` differs from `production` other than in time (durations ÷ scale, rates × scale). */
function timeOnlyDivergences(
  production: ReturnType<typeof schedule>,
  local: ReturnType<typeof schedule>,
  scale: number,
): string[] {
  const out: string[] = [];
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  for (const [key, value] of Object.entries(production.ms)) {
    const got = local.ms[key as keyof typeof local.ms];
    if (!same(got, value / scale)) out.push(`${key}: ${got} ms, production ${value} ms ÷ ${scale}`);
  }
  for (const [key, value] of Object.entries(production.perMinute)) {
    const got = local.perMinute[key as keyof typeof local.perMinute];
    if (!same(got, value * scale)) out.push(`${key}: ${got}/min, production ${value} × ${scale}`);
  }
  for (const [key, value] of Object.entries(production.counts)) {
    const got = local.counts[key as keyof typeof local.counts];
    if (got !== value) out.push(`${key}: ${got}, production ${value}`);
  }
  return out;
}

describe("local profiles: production scaled in time, never a second list", () => {
  const production = under(productionDefaults(), schedule);
  const profiles: Profile[] = [
    localProfile(),
    ...TIERS.flatMap((tier) => (tier.profile ? [tier.profile] : [])),
  ];
  /** Production as deployed for the profile's model (its quota as the start rate). */
  const productionFor = (profile: Profile) =>
    profile.model
      ? under({ ...productionDefaults(), ...modelSettings(profile) }, schedule)
      : production;
  const modelSettings = (profile: Profile): Env =>
    profile.model
      ? {
          VEO_MODEL_FAST: profile.model,
          VEO_STARTS_PER_MINUTE: String(VIDEO_MODELS[profile.model].startsPerMinute),
        }
      : {};

  it("functions/.env.demo-phoenix sets a time factor and service addresses, no setting of its own", () => {
    const file = readFunctionsDotenv(".env.demo-phoenix");
    const own = Object.keys(file).filter(
      (key) => key !== "TIME_SCALE" && !SERVICE_ADDRESSES.includes(key),
    );
    expect(own, "derive these from production ÷ TIME_SCALE instead").to.deep.equal([]);
    expect(localProfile().timeScale).to.be.within(2, MAX_TIME_SCALE);
  });

  it("each profile adds a factor (and a production model configuration), nothing else", () => {
    for (const profile of profiles) {
      const env = profileEnv(profile);
      const keys = Object.keys(env).filter((k) => !LOCAL_MODEL_KNOBS.includes(k));
      const model = Object.keys(modelSettings(profile));
      expect(keys, profile.name).to.have.members(["TIME_SCALE", ...model]);
      for (const key of model) expect(env[key], key).to.equal(modelSettings(profile)[key]);
    }
  });

  for (const profile of profiles) {
    it(`${describeProfile(profile)}: every duration production's ÷ the factor, rates ×, counts equal`, () => {
      const local = under(emulatorEnv(profile), schedule);
      expect(timeOnlyDivergences(productionFor(profile), local, profile.timeScale)).to.deep.equal(
        [],
      );
      // Cloud Tasks' smallest dispatch deadline is 15 s.
      expect(wholeSeconds(local.ms.dispatchDeadline)).to.be.at.least(15);
      expect(local.ms.dispatchDeadline).to.be.greaterThan(local.ms.workerTimeout);
    });

    it(`${describeProfile(profile)}: the queues and the worker timeout the emulator binds follow the same schedule`, () => {
      const local = under(emulatorEnv(profile), schedule);
      const bound = under(discoveryEnv(profile), () => ({
        startsPerSecond: startDispatchesPerSecond(),
        retry: workerRetryConfig({
          maxAttempts: params.taskMaxAttempts,
          minBackoffSeconds: params.taskMinBackoffSeconds,
          maxBackoffSeconds: params.taskMaxBackoffSeconds,
        }),
        timeoutSeconds: workerTimeoutSecondsAtLoad(),
      }));
      expect(bound.startsPerSecond).to.equal(local.perMinute.starts / 60);
      expect(bound.retry.minBackoffSeconds).to.equal(local.ms.taskMinBackoff / 1000);
      expect(bound.retry.maxBackoffSeconds).to.equal(local.ms.taskMaxBackoff / 1000);
      expect(bound.timeoutSeconds).to.equal(wholeSeconds(local.ms.workerTimeout));
      // The stack runs the sweeper itself, on the same scaled schedule.
      expect(scaledMs(profile, SWEEP_EVERY_SECONDS)).to.equal(local.ms.sweepEvery);
    });
  }

  it("production itself: factor 1, the worker timeout as deployed", () => {
    expect(under(productionDefaults(), workerTimeoutSecondsAtLoad)).to.equal(540);
    expect(timeOnlyDivergences(production, production, 1)).to.deep.equal([]);
  });

  it("a setting typed into the local profile is caught (the check is not vacuous)", () => {
    const typed = under(
      emulatorEnv(localProfile(), { WORKER_LEASE_SECONDS: "30", START_MAX_CONCURRENT: "50" }),
      schedule,
    );
    const found = timeOnlyDivergences(production, typed, localProfile().timeScale);
    expect(found.map((line) => line.split(":")[0])).to.deep.equal(["lease", "startMaxConcurrent"]);
  });
});
