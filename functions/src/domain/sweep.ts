/**
 * What the sweeper does with an unfinished creation: nothing, re-enqueue its current step
 * (its task was never enqueued or got lost), or give up with a refund (past the hard limit).
 */
import { isActive } from "./creation-state";
import type { Creation } from "./creation";

export interface SweepThresholds {
  /** Quiet for this long (no update) and not leased: the task is presumed lost. */
  staleAfterMs: number;
  /** Older than this: refund and fail, whatever is going on. */
  hardLimitMs: number;
}

export type SweepAction = "none" | "re-enqueue" | "give-up";

export function decideSweep(
  creation: Pick<Creation, "status" | "leaseOwner" | "leaseExpiresAtMs">,
  createdAtMs: number,
  updatedAtMs: number,
  nowMs: number,
  thresholds: SweepThresholds,
): SweepAction {
  if (!isActive(creation.status)) return "none";
  if (nowMs - createdAtMs >= thresholds.hardLimitMs) return "give-up";
  const leased = creation.leaseOwner !== null && (creation.leaseExpiresAtMs ?? 0) > nowMs;
  if (!leased && nowMs - updatedAtMs >= thresholds.staleAfterMs) return "re-enqueue";
  return "none";
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
