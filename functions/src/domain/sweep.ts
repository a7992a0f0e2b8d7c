/**
 * What the sweeper does with an unfinished creation: nothing; enqueue its current step again
 * under the same task id; re-enqueue it under a new step; or give up with a refund (past the
 * hard limit).
 *
 * Quiet is not lost. A pending job may be waiting its turn in the rate-limited start queue (at
 * position N, about N/R minutes at R starts a minute), and any job may be waiting for a task
 * that is merely late. So a quiet job first gets its current step enqueued again under its
 * original task id: Cloud Tasks refuses a copy of a task it still holds, so a job that was only
 * waiting never gets a second task, and no dispatch (of the start quota or any other) is spent
 * on a stale one. Only a job still quiet after Cloud Tasks can no longer hold its task (every
 * attempt and backoff of it are over: it was dropped) gets a new step and task id; in
 * production that is longer than the hard limit, so such a job is refunded instead.
 */
import { isActive } from "./creation-state";
import type { Creation } from "./creation";

export interface SweepThresholds {
  /** Quiet for this long (no update) and not leased: the task is presumed lost. */
  staleAfterMs: number;
  /** Older than this: refund and fail, whatever is going on. */
  hardLimitMs: number;
  /** The start queue's rate, to tell a job waiting its turn from a lost one (absent: no allowance). */
  startsPerMinute?: number;
  /**
   * How long Cloud Tasks may still hold a task (taskRetryWindowMs): only past it is a task
   * surely dropped, so only then does a job get a new step. Absent: the stale threshold again.
   */
  taskRetryWindowMs?: number;
}

/**
 * The longest a task can live in Cloud Tasks: every attempt up to its dispatch deadline, plus
 * the backoffs between them (doubling from the minimum, capped at the maximum).
 */
export function taskRetryWindowMs(retry: {
  maxAttempts: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  dispatchDeadlineMs: number;
}): number {
  let backoffs = 0;
  for (let i = 0; i < retry.maxAttempts - 1; i++) {
    backoffs += Math.min(retry.minBackoffMs * 2 ** i, retry.maxBackoffMs);
  }
  return retry.maxAttempts * retry.dispatchDeadlineMs + backoffs;
}

export type SweepAction = "none" | "re-enqueue-same" | "re-enqueue" | "give-up";

/** How long a pending job at this position (1 = next) may wait for the start queue. */
export function expectedStartWaitMs(queuePosition: number, startsPerMinute: number): number {
  return (Math.max(queuePosition, 1) / startsPerMinute) * 60_000;
}

export function decideSweep(
  creation: Pick<
    Creation,
    "status" | "leaseOwner" | "leaseExpiresAtMs" | "enqueueFailed" | "operationName"
  >,
  createdAtMs: number,
  updatedAtMs: number,
  nowMs: number,
  thresholds: SweepThresholds,
  /** Position in the start queue (pending jobs only; 1 = next). */
  queuePosition = 1,
): SweepAction {
  if (!isActive(creation.status)) return "none";
  if (nowMs - createdAtMs >= thresholds.hardLimitMs) return "give-up";
  const leased = creation.leaseOwner !== null && (creation.leaseExpiresAtMs ?? 0) > nowMs;
  if (leased) return "none";
  const quietMs = nowMs - updatedAtMs;
  // A pending job's task may be waiting its turn; one whose enqueue failed is in no queue.
  const waitsForStart = creation.status === "pending" && !creation.enqueueFailed;
  const waitMs =
    waitsForStart && thresholds.startsPerMinute
      ? expectedStartWaitMs(queuePosition, thresholds.startsPerMinute)
      : 0;
  const lostAfterMs = thresholds.staleAfterMs + waitMs;
  if (quietMs >= lostAfterMs + (thresholds.taskRetryWindowMs ?? lostAfterMs)) return "re-enqueue";
  return quietMs >= lostAfterMs ? "re-enqueue-same" : "none";
}

/**
 * What re-enqueueing a lost step writes: a new step number, so the lost task (if it ever shows
 * up) is stale and the new task id is fresh, and no lease.
 */
export function rescuedFields(
  creation: Pick<Creation, "workerStep">,
): Pick<Creation, "workerStep" | "leaseOwner" | "leaseExpiresAtMs"> {
  return { workerStep: creation.workerStep + 1, leaseOwner: null, leaseExpiresAtMs: null };
}
