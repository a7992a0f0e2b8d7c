/**
 * Ledger entries (`transactions/{id}`). Ids derive from what they pay for, so a retried
 * commit can never write a second debit or refund for the same creation.
 */
import { createHash } from "node:crypto";

export type LedgerType = "video_generation" | "refund" | "grant";

export interface LedgerEntry {
  id: string;
  userId: string;
  type: LedgerType;
  amount: number;
  details: Record<string, unknown>;
}

export const ledgerIds = {
  debit: (creationId: string) => `${creationId}_debit`,
  refund: (creationId: string) => `${creationId}_refund`,
  /**
   * The refund of one video of a creation. Video 0 keeps the single-video id, so a one-video
   * creation is refunded exactly as before; any retry of the same refund finds its own entry.
   */
  videoRefund: (creationId: string, index: number) =>
    index === 0 ? `${creationId}_refund` : `${creationId}_refund_${index}`,
  welcome: (userId: string) => `welcome_${userId}`,
  /** One entry per (user, grantId): a retried admin grant finds its own entry. */
  grant: (userId: string, grantId: string) =>
    `grant_${createHash("sha256").update(`${userId}\u0000${grantId}`).digest("base64url").slice(0, 28)}`,
};

export type GrantDecision = "apply" | "replay" | "reused";

/**
 * What an admin grant does given the entry its grantId maps to: apply it, answer the earlier
 * result (same user, amount and reason), or refuse a key reused for a different grant.
 */
export function decideGrant(
  existing: Pick<LedgerEntry, "userId" | "amount" | "details"> | null,
  request: { userId: string; amount: number; reason: string },
): GrantDecision {
  if (!existing) return "apply";
  const same =
    existing.userId === request.userId &&
    existing.amount === request.amount &&
    existing.details.reason === request.reason;
  return same ? "replay" : "reused";
}

export function debitEntry(creation: {
  id: string;
  userId: string;
  cost: number;
  prompt: string;
}): LedgerEntry {
  return {
    id: ledgerIds.debit(creation.id),
    userId: creation.userId,
    type: "video_generation",
    amount: -creation.cost,
    details: { creationId: creation.id, prompt: creation.prompt.slice(0, 100) },
  };
}

/** The refund of one video: its price back, under an id derived from the creation and index. */
export function videoRefundEntry(
  creation: { id: string; userId: string },
  index: number,
  amount: number,
  reason: string,
): LedgerEntry {
  return {
    id: ledgerIds.videoRefund(creation.id, index),
    userId: creation.userId,
    type: "refund",
    amount,
    details: { creationId: creation.id, videoIndex: index, reason: reason.slice(0, 200) },
  };
}

/** A whole creation's refund: one entry per video asked for, together its whole cost. */
export function refundEntries(
  creation: { id: string; userId: string; cost: number; sampleCount?: number },
  reason: string,
): LedgerEntry[] {
  const count = creation.sampleCount ?? 1;
  const perVideo = creation.cost / count;
  return Array.from({ length: count }, (_, index) =>
    videoRefundEntry(creation, index, perVideo, reason),
  );
}

export function grantEntry(
  id: string,
  userId: string,
  amount: number,
  reason: string,
  grantedBy?: string,
): LedgerEntry {
  return {
    id,
    userId,
    type: "grant",
    amount,
    details: { reason, ...(grantedBy ? { grantedBy } : {}) },
  };
}
