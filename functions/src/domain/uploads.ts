/**
 * Uploads: where an upload's object lives, whether a user may start another one, and whether
 * a request may use one. Pure decisions; the store (adapters/upload-store.ts) applies them.
 */
import type { UploadContentType } from "../contract";

export interface UploadRecord {
  userId: string;
  /** R2 key in the private bucket. */
  key: string;
  contentType: UploadContentType;
  size: number;
  /** `used` once a submission named it (then it no longer counts against the quota). */
  status: "pending" | "used";
  creationId: string | null;
  expiresAtMs: number;
}

export type UploadDecision =
  | { outcome: "create" }
  | { outcome: "reject"; reason: "too-many-uploads"; pending: number; max: number };

/** Private, under the user's prefix; the R2 lifecycle rule removes `uploads/` after a day. */
export function uploadKeyOf(userId: string, uploadId: string): string {
  return `uploads/${userId}/${uploadId}`;
}

export function decideUpload(
  held: Pick<UploadRecord, "status" | "expiresAtMs">[],
  limits: { maxPending: number; nowMs: number },
): UploadDecision {
  const pending = held.filter((u) => u.status === "pending" && u.expiresAtMs > limits.nowMs).length;
  return pending >= limits.maxPending
    ? { outcome: "reject", reason: "too-many-uploads", pending, max: limits.maxPending }
    : { outcome: "create" };
}

/**
 * Why a request may not use this upload (null: it may). Someone else's upload and a missing
 * one read the same, so ids of other users' uploads cannot be probed. An upload must outlive
 * the job: it has to be there when the worker reads it, at most `jobLimitMs` later.
 */
export function uploadRefusal(
  upload: Pick<UploadRecord, "userId" | "expiresAtMs"> | null,
  userId: string,
  nowMs: number,
  jobLimitMs: number,
): "not-found" | "expired" | null {
  if (!upload || upload.userId !== userId) return "not-found";
  if (upload.expiresAtMs - jobLimitMs <= nowMs) return "expired";
  return null;
}
