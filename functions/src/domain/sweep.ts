/**
 * What the sweeper does with an unfinished creation: nothing; enqueue its start task again
 * under the same task id (a job that never started); re-enqueue it under a new step (work that
 * got lost after it started); or give up with a refund (past the hard limit).
 *
 * A pending job may simply be waiting its turn in the rate-limited start queue: with a backlog
 * of N jobs ahead at R starts per minute it waits about N/R minutes. Only a job quiet for
 * longer than that (plus the stale threshold) looks lost, and even then its start task is
 * enqueued again under its original id: Cloud Tasks refuses a duplicate of a task that is
 * still queued, so a job that was only waiting never gets a second task, and no dispatch of
 * the start quota is spent on a stale one.
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
}

export type SweepAction = "none" | "re-enqueue-start" | "re-enqueue" | "give-up";

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
  const neverStarted = creation.status === "pending" && !creation.operationName;
  if (neverStarted) {
    // Its task never reached the queue: nothing is waiting, so no turn to wait for.
    const waitMs = creation.enqueueFailed
      ? 0
      : thresholds.startsPerMinute
        ? expectedStartWaitMs(queuePosition, thresholds.startsPerMinute)
        : 0;
    return quietMs >= thresholds.staleAfterMs + waitMs ? "re-enqueue-start" : "none";
  }
  return quietMs >= thresholds.staleAfterMs ? "re-enqueue" : "none";
}
