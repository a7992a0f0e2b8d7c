/**
 * The creation state machine: pending -> processing -> draft -> published, with failed and
 * cancelled as the other ends. End states never change except draft -> published.
 */
import type { CreationStatus } from "../contract";

export const ACTIVE_STATUSES = [
  "pending",
  "processing",
] as const satisfies readonly CreationStatus[];
export const END_STATUSES = [
  "draft",
  "published",
  "failed",
  "cancelled",
] as const satisfies readonly CreationStatus[];

const ALLOWED: Record<CreationStatus, readonly CreationStatus[]> = {
  pending: ["processing", "failed", "cancelled"],
  processing: ["pending", "processing", "draft", "failed"],
  draft: ["published"],
  published: [],
  failed: [],
  cancelled: [],
};

export function isActive(status: CreationStatus): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

export function isEnd(status: CreationStatus): boolean {
  return !isActive(status);
}

export function canTransition(from: CreationStatus, to: CreationStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Cancel is allowed only while no paid generation has started (Veo cannot be cancelled). */
export function canCancel(creation: {
  status: CreationStatus;
  operationName?: string | null;
}): boolean {
  return isActive(creation.status) && !creation.operationName;
}

/** Deletion is for finished work only; an in-flight job would write to a deleted document. */
export function canDelete(status: CreationStatus): boolean {
  return isEnd(status);
}

/**
 * Overall progress shown to the client, 0..1: claiming and starting take the first 10 %,
 * the model's own estimate the next 80 %, the transfer to storage the rest.
 */
export const Progress = {
  claimed: 0.05,
  started: 0.1,
  rendering: (modelProgress: number) => 0.1 + 0.8 * Math.min(Math.max(modelProgress, 0), 1),
  transferring: 0.95,
  done: 1,
} as const;
