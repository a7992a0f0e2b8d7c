/**
 * The worker's claim decision. A creation is worked on by one task delivery at a time: the
 * delivery that claims it holds a lease; deliveries of older steps are stale; a delivery
 * that finds a live lease is a duplicate running alongside.
 */
import { isEnd, Progress, transition } from "./creation-state";
import type { Creation } from "./creation";

export type Claim =
  | { outcome: "claim" }
  | { outcome: "skip"; why: "missing" | "finished" | "stale" }
  | { outcome: "busy" };

export function decideClaim(creation: Creation | null, step: number, nowMs: number): Claim {
  if (!creation) return { outcome: "skip", why: "missing" };
  if (isEnd(creation.status)) return { outcome: "skip", why: "finished" };
  if (step < creation.workerStep) return { outcome: "skip", why: "stale" };
  if (creation.leaseOwner && (creation.leaseExpiresAtMs ?? 0) > nowMs) return { outcome: "busy" };
  return { outcome: "claim" };
}

/** What a claim writes: the creation is `processing`, leased to `owner` for this step. */
export function claimedFields(
  creation: Creation,
  step: number,
  owner: string,
  nowMs: number,
  leaseMs: number,
): Pick<
  Creation,
  | "status"
  | "workerStep"
  | "leaseOwner"
  | "leaseExpiresAtMs"
  | "enqueueFailed"
  | "queuePosition"
  | "progress"
> {
  return {
    ...transition(creation.status, "processing"),
    workerStep: step,
    leaseOwner: owner,
    leaseExpiresAtMs: nowMs + leaseMs,
    enqueueFailed: false,
    queuePosition: null,
    progress: Math.max(creation.progress, Progress.claimed),
  };
}

/** The worker's settings, read from the params once per instance (config/runtime.ts). */
export interface WorkerSettings {
  leaseSeconds: number;
  pollIntervalSeconds: number;
  maxAttempts: number;
  mediaUrlTtlSeconds: number;
  /** The worker's timeout at the current time scale (absent: production's). */
  workerTimeoutSeconds?: number;
}

/** Cloud Tasks gives up after `maxAttempts`; `retryCount` counts from 0. */
export function isFinalAttempt(retryCount: number, maxAttempts: number): boolean {
  return retryCount >= maxAttempts - 1;
}

/**
 * A delivery that crashed, or whose claim reply was lost, leaves its lease behind. Cloud Tasks
 * retries it after the first backoff at the earliest, so a lease shorter than that backoff has
 * always lapsed when the retry arrives: recovery takes one retry, not a sweeper pass. A live
 * holder renews its lease while it works (see LEASE_RENEWALS_PER_LEASE).
 */
export function leaseFitsRetryWindow(leaseSeconds: number, minBackoffSeconds: number): boolean {
  return leaseSeconds > 0 && leaseSeconds < minBackoffSeconds;
}

/** A working delivery renews its lease this many times per lease period. */
export const LEASE_RENEWALS_PER_LEASE = 3;

/**
 * A finished operation that failed with a retryable code cannot change any more: polling it
 * again is useless, so a fresh generation starts (through the start queue, within the quota),
 * at most this many times per creation; past that, the creation is refunded.
 */
export const MAX_GENERATION_RESTARTS = 2;

export function decideDeadOperation(restartsSoFar: number): "restart" | "give-up" {
  return restartsSoFar < MAX_GENERATION_RESTARTS ? "restart" : "give-up";
}

/** Model errors carry `operationFinished` when the operation itself ended with the error. */
export function isDeadOperation(error: { details?: Record<string, unknown> }): boolean {
  return error.details?.operationFinished === true;
}

/**
 * How long before its schedule time a task was delivered (0 when on time). Cloud Tasks never
 * delivers early; the Cloud Tasks emulator ignores `scheduleTime` and delivers at once, which
 * would turn a poll every interval into a tight loop. The ETA arrives as the
 * `X-CloudTasks-TaskETA` header: seconds since the epoch from Cloud Tasks, an ISO 8601 time or
 * milliseconds from the emulator. Never more than `maxMs` (the longest delay ever scheduled).
 */
export function earlyByMs(eta: string | undefined, nowMs: number, maxMs: number): number {
  const etaMs = eta ? millisOfEta(eta) : NaN;
  if (!Number.isFinite(etaMs)) return 0;
  return Math.min(Math.max(0, etaMs - nowMs), maxMs);
}

function millisOfEta(eta: string): number {
  const number = Number(eta);
  if (!Number.isFinite(number)) return Date.parse(eta);
  return number < 1e11 ? number * 1000 : number; // seconds until the year 5138, else ms
}
