/**
 * The refund decision: a creation ends `failed` or `cancelled` with its tokens back, exactly
 * once, and never after its video was delivered. Taken inside the refund transaction on the
 * creation as it is now; `onlyIf` is the caller's own condition (still pending, still leased).
 */
import type { Creation } from "../contract";
import { canTransition } from "./creation-state";

export type RefundEnd = "failed" | "cancelled";

export type RefundDecision =
  | { outcome: "refund" }
  | { outcome: "keep"; why: "missing" | "already-refunded" | "delivered" | "condition" };

export function decideRefund(
  creation: Creation | null,
  to: RefundEnd,
  onlyIf?: (creation: Creation) => boolean,
): RefundDecision {
  if (!creation) return { outcome: "keep", why: "missing" };
  if (creation.refunded) return { outcome: "keep", why: "already-refunded" };
  if (creation.status === "draft" || creation.status === "published")
    return { outcome: "keep", why: "delivered" };
  // An ended creation, or one the state machine does not let reach `to` (cancel a processing one).
  if (!canTransition(creation.status, to)) return { outcome: "keep", why: "condition" };
  if (onlyIf && !onlyIf(creation)) return { outcome: "keep", why: "condition" };
  return { outcome: "refund" };
}

/** The user's counters after giving a creation's tokens back. */
export function refundedBalances(
  user: { tokenBalance: number; totalTokensSpent: number },
  cost: number,
): { tokenBalance: number; totalTokensSpent: number } {
  return {
    tokenBalance: user.tokenBalance + cost,
    totalTokensSpent: user.totalTokensSpent - cost,
  };
}
