/**
 * The creation state machine: pending -> processing -> draft -> published, with failed and
 * cancelled as the other ends. End states never change except draft -> published.
 * `transition` is the only way to a new status: the store writes what it returns.
 */
import { ACTIVE_STATUSES, END_STATUSES, isEndStatus, type CreationStatus } from "../contract";

export { ACTIVE_STATUSES, END_STATUSES };

/** The status a creation is born with (the submission transaction writes it). */
export const INITIAL_STATUS = "pending" satisfies CreationStatus;

const ALLOWED: Record<CreationStatus, readonly CreationStatus[]> = {
  pending: ["processing", "failed", "cancelled"],
  // processing -> processing: a retry or a later step claims it again.
  processing: ["pending", "processing", "draft", "failed"],
  draft: ["published"],
  published: [],
  failed: [],
  cancelled: [],
};

export function isActive(status: CreationStatus): boolean {
  return !isEndStatus(status);
}

export function isEnd(status: CreationStatus): boolean {
  return isEndStatus(status);
}

export function canTransition(from: CreationStatus, to: CreationStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** A status change the state machine refuses: a bug in the caller, never a user error. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: CreationStatus,
    readonly to: CreationStatus,
  ) {
    super(`illegal creation status change ${from} -> ${to}`);
    this.name = "IllegalTransitionError";
  }
}

/** The status field of a creation moving from `from` to `to`; throws for an illegal change. */
export function transition<To extends CreationStatus>(
  from: CreationStatus,
  to: To,
): { status: To } {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return { status: to };
}

/** Cancel is allowed only while no paid generation has started (Veo cannot be cancelled). */
export function canCancel(creation: {
  status: CreationStatus;
  operationName?: string | null;
}): boolean {
  return canTransition(creation.status, "cancelled") && !creation.operationName;
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
