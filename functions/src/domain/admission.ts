/**
 * Whether a submission may be charged: decided inside the submission transaction from the
 * user's balance, their unfinished jobs and (with a requestId) the creation it maps to.
 */
import { createHash } from "node:crypto";
import { ErrorReason } from "../contract";

export interface ExistingRequest {
  userId: string;
  requestHash?: string;
}

export type Admission =
  | { outcome: "accept" }
  | { outcome: "replay" }
  | { outcome: "reject"; reason: ErrorReason; details: Record<string, unknown> };

export interface AdmissionFacts {
  userId: string;
  requestHash: string;
  /** The creation the requestId maps to, if any. */
  existing: ExistingRequest | null;
  balance: number;
  cost: number;
  activeJobs: number;
  maxActiveJobs: number;
}

export function decideAdmission(facts: AdmissionFacts): Admission {
  if (facts.existing) {
    const sameRequest =
      facts.existing.userId === facts.userId && facts.existing.requestHash === facts.requestHash;
    return sameRequest
      ? { outcome: "replay" }
      : { outcome: "reject", reason: ErrorReason.idempotencyKeyReused, details: {} };
  }
  if (facts.balance < facts.cost) {
    return {
      outcome: "reject",
      reason: ErrorReason.insufficientTokens,
      details: { required: facts.cost, balance: facts.balance },
    };
  }
  if (facts.activeJobs >= facts.maxActiveJobs) {
    return {
      outcome: "reject",
      reason: ErrorReason.tooManyActiveJobs,
      details: { active: facts.activeJobs, limit: facts.maxActiveJobs },
    };
  }
  return { outcome: "accept" };
}

/** A stable fingerprint of what was asked for, so a reused requestId with other parameters is caught. */
export function requestHashOf(request: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, request[key]]),
  );
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * A requestId maps to one creation id per user: the same key from two users never collides,
 * and a replay finds its creation by a plain document read inside the transaction.
 */
export function creationIdFor(userId: string, requestId: string): string {
  return createHash("sha256")
    .update(`${userId}\u0000${requestId}`)
    .digest("base64url")
    .slice(0, 28);
}
