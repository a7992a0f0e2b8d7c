// Sizes of the reliability run. `short` runs inside `npm test` (a few minutes on 2 cores);
// `full` is `npm run test:reliability`. RELIABILITY_PROFILE picks one (default: short).
import { PRODUCTION_SECONDS, SWEEP_EVERY_SECONDS } from "../functions/src/config/production";
import { localProfile, scaledMs } from "../stack/profile";

export interface Profile {
  name: "short" | "full";
  /** Concurrency: users, each sending this many simultaneous submissions per wave. */
  users: number;
  burst: number;
  /** Chaos: jobs submitted through the callable protocol (plus the in-process ones below). */
  chaosJobs: number;
  /** Chaos: jobs charged in-process while Cloud Tasks refuses the enqueue. */
  enqueueFailures: number;
  /** Chaos: worker processes SIGKILLed while they render. */
  workerKills: number;
  /** Chaos: how long the S3 server stays paused (SIGSTOP) and down (SIGKILL, then restart). */
  s3PauseMs: number;
  s3DownMs: number;
  /** Hostile: generated payloads. */
  hostilePayloads: number;
}

const PROFILES: Record<Profile["name"], Profile> = {
  short: {
    name: "short",
    users: 10,
    burst: 20,
    chaosJobs: 36,
    enqueueFailures: 3,
    workerKills: 1,
    s3PauseMs: 2000,
    s3DownMs: 3000,
    hostilePayloads: 520,
  },
  full: {
    name: "full",
    users: 10,
    burst: 20,
    chaosJobs: 210,
    enqueueFailures: 10,
    workerKills: 3,
    s3PauseMs: 4000,
    s3DownMs: 6000,
    hostilePayloads: 1500,
  },
};

export const profile: Profile =
  PROFILES[process.env.RELIABILITY_PROFILE === "full" ? "full" : "short"];

const local = localProfile();
/** Sweeper thresholds of the local stack: production's divided by its TIME_SCALE. */
export const SWEEP = {
  staleAfterMs: scaledMs(local, PRODUCTION_SECONDS.SWEEP_STALE_AFTER_SECONDS),
  hardLimitMs: scaledMs(local, PRODUCTION_SECONDS.SWEEP_HARD_LIMIT_SECONDS),
} as const;
/** Every creation must end within the sweeper's horizon: the hard limit plus two sweep periods. */
export const END_HORIZON_MS = SWEEP.hardLimitMs + 2 * scaledMs(local, SWEEP_EVERY_SECONDS);
