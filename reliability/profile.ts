// Sizes of the reliability run. `short` runs inside `npm test` (a few minutes on 2 cores);
// `full` is `npm run test:reliability`. RELIABILITY_PROFILE picks one (default: short).
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

/** Sweeper thresholds of the local stack (functions/.env.demo-phoenix). */
export const SWEEP = { staleAfterMs: 20_000, hardLimitMs: 300_000 } as const;
/** Every creation must end within the sweeper's horizon: the hard limit plus one sweep pass. */
export const END_HORIZON_MS = SWEEP.hardLimitMs + 30_000;
