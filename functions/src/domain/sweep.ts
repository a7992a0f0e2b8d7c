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
 * on a stale one. Only a job still quiet after twice that long, whose task Cloud Tasks must have
 * dropped (every retry failed before a claim), gets a new step and task id.
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
  if (quietMs >= 2 * lostAfterMs) return "re-enqueue";
  return quietMs >= lostAfterMs ? "re-enqueue-same" : "none";
}
