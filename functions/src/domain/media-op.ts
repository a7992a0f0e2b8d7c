/**
 * Publish and delete move media objects outside any transaction (a copy to the public bucket,
 * removals), so on one creation they take turns: each first claims the creation's media
 * operation, a lease held in the document. A delete removes the public copy too, and no
 * publish can start once a delete holds the lease, so after any interleaving a deleted
 * creation leaves no public object behind.
 */
import type { CreationStatus } from "../contract";
import { canDelete } from "./creation-state";

export type MediaOpKind = "publish" | "delete";

export interface MediaOp {
  kind: MediaOpKind;
  owner: string;
  expiresAtMs: number;
}

/** Far longer than a server-side copy of the largest video; a crashed operation frees it after this. */
export const MEDIA_OP_LEASE_MS = 120_000;

export type MediaOpDecision =
  | { outcome: "claim" }
  /** Nothing left to do: already published (publish) or already gone (delete). */
  | { outcome: "done" }
  /** Another publish or delete holds the creation; retry in a moment. */
  | { outcome: "busy" }
  | { outcome: "wrong-state"; status: CreationStatus | "missing" };

export function decideMediaOp(
  creation: { status: CreationStatus; mediaOp?: MediaOp | null } | null,
  kind: MediaOpKind,
  nowMs: number,
): MediaOpDecision {
  if (!creation)
    return kind === "delete" ? { outcome: "done" } : { outcome: "wrong-state", status: "missing" };
  const held = creation.mediaOp && creation.mediaOp.expiresAtMs > nowMs ? creation.mediaOp : null;
  if (kind === "publish") {
    if (creation.status === "published") return { outcome: "done" };
    if (creation.status !== "draft") return { outcome: "wrong-state", status: creation.status };
    return held ? { outcome: "busy" } : { outcome: "claim" };
  }
  if (!canDelete(creation.status)) return { outcome: "wrong-state", status: creation.status };
  // A delete never waits for another delete (removing twice is harmless), only for a publish.
  return held?.kind === "publish" ? { outcome: "busy" } : { outcome: "claim" };
}
