/**
 * Production durations, in seconds: the params' defaults (config/params.ts) and the one list
 * the prod-scaled profile divides by TIME_SCALE (config/time-scale.ts). Plain values, no SDK.
 */
export const PRODUCTION_SECONDS = {
  /** Cloud Tasks retries a failed worker step after 60 -> 120 -> 240 s. */
  TASK_MIN_BACKOFF_SECONDS: 60,
  TASK_MAX_BACKOFF_SECONDS: 240,
  POLL_INTERVAL_SECONDS: 10,
  /** Below the first backoff: a crashed step's lease has lapsed when its retry arrives. */
  WORKER_LEASE_SECONDS: 45,
  SWEEP_STALE_AFTER_SECONDS: 300,
  SWEEP_HARD_LIMIT_SECONDS: 1800,
  /**
   * Time a started job needs to end: the longest Veo render twice over (polls, a restart) and
   * one retry backoff. Admission keeps the backlog startable before the hard limit minus this.
   */
  ADMISSION_FINISH_BUDGET_SECONDS: 300,
} as const;

/** The sweeper's schedule ("every 5 minutes"). */
export const SWEEP_EVERY_SECONDS = 300;

/** How long Veo takes to render a video (the local model imitates it in the prod-scaled profile). */
export const VEO_RENDER_SECONDS = { min: 60, max: 120 } as const;

/**
 * Time a started job needs to end after its start: the longest render, polls, a transfer and a
 * retry of the delivering step. Admission keeps the backlog startable before the hard limit
 * minus this (domain/backlog.ts).
 */
export const FINISH_BUDGET_SECONDS =
  2 * VEO_RENDER_SECONDS.max + PRODUCTION_SECONDS.TASK_MIN_BACKOFF_SECONDS;
