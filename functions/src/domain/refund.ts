/**
 * The refund decision: a creation ends `failed` or `cancelled` with its tokens back, exactly
 * once, and never after its video was delivered. Taken inside the refund transaction on the
 * creation as it is now; `onlyIf` is the caller's own condition (still pending, still leased).
 */
import type { Creation, FilterCategory, UndeliveredVideo } from "../contract";
import { filterMessage } from "./filter-reasons";
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

/**
 * The videos of a delivered request that did not arrive: delivered videos take the first
 * indices; of the rest, one per filter category the model reported is `filtered` (with that
 * category and its plain message), any others (the model returned fewer without saying why)
 * `missing`. Each is refunded once.
 */
export function undeliveredVideos(
  asked: number,
  delivered: number,
  filtered: readonly FilterCategory[],
): UndeliveredVideo[] {
  return Array.from({ length: Math.max(0, asked - delivered) }, (_, i): UndeliveredVideo => {
    const category = filtered[i];
    return category
      ? { index: delivered + i, reason: "filtered", category, message: filterMessage(category) }
      : { index: delivered + i, reason: "missing" };
  });
}
