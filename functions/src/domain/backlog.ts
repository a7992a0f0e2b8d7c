/**
 * Honest admission when the start queue is backed up. Veo's quota starts R jobs a minute per
 * project; a job must start early enough to finish before the sweeper's hard limit, or it is
 * refunded as stuck after only waiting. So a submission is accepted only while the pending
 * backlog can be started within (hard limit - finish budget); beyond that it is refused with
 * `resource-exhausted` and a retry-after, before any charge. Accepted jobs get their queue
 * position and an estimated ready time.
 */
import { ErrorReason } from "../contract";

export interface BacklogLimits {
  /** The start queue's rate (the model's quota, scaled in the prod-scaled profile). */
  startsPerMinute: number;
  hardLimitMs: number;
  /** Time a job needs after its start to end (render, polls, transfer, one retry). */
  finishBudgetMs: number;
}

export type BacklogDecision =
  | { outcome: "accept"; queuePosition: number; estimatedStartMs: number; estimatedReadyMs: number }
  | { outcome: "reject"; retryAfterSeconds: number; pending: number; capacity: number };

/** Pending jobs the queue can start before a new one would miss the hard limit. */
export function backlogCapacity(limits: BacklogLimits): number {
  const startWindowMs = Math.max(0, limits.hardLimitMs - limits.finishBudgetMs);
  return Math.floor((limits.startsPerMinute * startWindowMs) / 60_000);
}

/**
 * `pendingAhead`: pending jobs submitted before this one (a count() aggregation). The new job
 * is at position pendingAhead + 1 and starts after about position / R minutes.
 */
export function decideBacklog(
  pendingAhead: number,
  limits: BacklogLimits,
  nowMs: number,
  renderMs: number,
): BacklogDecision {
  const capacity = backlogCapacity(limits);
  const perStartMs = 60_000 / limits.startsPerMinute;
  if (pendingAhead >= capacity) {
    // Once the queue has drained below capacity, a new job fits again.
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil(((pendingAhead - capacity + 1) * perStartMs) / 1000),
    );
    return { outcome: "reject", retryAfterSeconds, pending: pendingAhead, capacity };
  }
  const queuePosition = pendingAhead + 1;
  const estimatedStartMs = nowMs + queuePosition * perStartMs;
  return {
    outcome: "accept",
    queuePosition,
    estimatedStartMs,
    estimatedReadyMs: estimatedStartMs + renderMs,
  };
}

/** What a new job's creation gets from the backlog decision, or the queue-full refusal. */
export type QueuePlacement =
  | { outcome: "accept"; fields: { queuePosition: number; estimatedReadyAt: Date } }
  | { outcome: "reject"; reason: ErrorReason; details: Record<string, unknown> };

/** The last check before the charge: replays and other refusals are decided before it. */
export function queuePlacement(decision: BacklogDecision): QueuePlacement {
  if (decision.outcome === "reject") {
    const { retryAfterSeconds, pending, capacity } = decision;
    return {
      outcome: "reject",
      reason: ErrorReason.queueFull,
      details: { retryAfterSeconds, pending, capacity },
    };
  }
  return {
    outcome: "accept",
    fields: {
      queuePosition: decision.queuePosition,
      estimatedReadyAt: new Date(decision.estimatedReadyMs),
    },
  };
}
