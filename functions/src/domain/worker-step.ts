/**
 * The worker's claim decision. A creation is worked on by one task delivery at a time: the
 * delivery that claims it holds a lease; deliveries of older steps are stale; a delivery
 * that finds a live lease is a duplicate running alongside.
 */
import { isEnd, Progress, transition } from "./creation-state";
import type { Creation } from "./creation";

export type Claim =
  | { outcome: "claim" }
  | { outcome: "skip"; why: "missing" | "finished" | "stale" }
  | { outcome: "busy" };

export function decideClaim(creation: Creation | null, step: number, nowMs: number): Claim {
  if (!creation) return { outcome: "skip", why: "missing" };
  if (isEnd(creation.status)) return { outcome: "skip", why: "finished" };
  if (step < creation.workerStep) return { outcome: "skip", why: "stale" };
  if (creation.leaseOwner && (creation.leaseExpiresAtMs ?? 0) > nowMs) return { outcome: "busy" };
  return { outcome: "claim" };
}

/** What a claim writes: the creation is `processing`, leased to `owner` for this step. */
export function claimedFields(
  creation: Creation,
  step: number,
  owner: string,
  nowMs: number,
  leaseMs: number,
): Pick<
  Creation,
  "status" | "workerStep" | "leaseOwner" | "leaseExpiresAtMs" | "enqueueFailed" | "progress"
> {
  return {
    ...transition(creation.status, "processing"),
    workerStep: step,
    leaseOwner: owner,
    leaseExpiresAtMs: nowMs + leaseMs,
    enqueueFailed: false,
    progress: Math.max(creation.progress, Progress.claimed),
  };
}

/** The worker's settings, read from the params once per instance (config/runtime.ts). */
export interface WorkerSettings {
  leaseSeconds: number;
  pollIntervalSeconds: number;
  maxAttempts: number;
  mediaUrlTtlSeconds: number;
}

/** Cloud Tasks gives up after `maxAttempts`; `retryCount` counts from 0. */
export function isFinalAttempt(retryCount: number, maxAttempts: number): boolean {
  return retryCount >= maxAttempts - 1;
}
