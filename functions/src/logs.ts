/**
 * One named function per log event, with structured fields, so messages stay stable and
 * log-based metrics can key on `event`.
 */
import * as logger from "firebase-functions/logger";

type Fields = Record<string, unknown>;
const info = (event: string, fields: Fields) => logger.info(event, { event, ...fields });
const warn = (event: string, fields: Fields) => logger.warn(event, { event, ...fields });
const error = (event: string, fields: Fields) => logger.error(event, { event, ...fields });

export const logs = {
  submission: (fields: {
    userId: string;
    creationId?: string;
    cost?: number;
    outcome: string;
    durationMs: number;
    /** Of durationMs: the admission transaction (with the backlog count beside its reads). */
    storeMs?: number;
    /** Of durationMs: the enqueue of the first step. */
    enqueueMs?: number;
    reason?: string;
  }) => info("submission", fields),
  enqueueFailed: (creationId: string, err: unknown) =>
    error("enqueue-failed", { creationId, error: String(err) }),
  userCreated: (userId: string, welcome: string | null, grant: number) =>
    welcome === "budget-exhausted"
      ? warn("welcome-budget-exhausted", { userId, via: "sign-up" })
      : info("user-created", { userId, created: welcome !== null, welcome, grant }),
  welcomeClaimed: (userId: string, welcome: string, grant: number) =>
    welcome === "budget-exhausted"
      ? warn("welcome-budget-exhausted", { userId, via: "claim" })
      : info("welcome-claimed", { userId, welcome, grant }),
  tokensGranted: (userId: string, amount: number, by: string) =>
    info("tokens-granted", { userId, amount, by }),
  stepSkipped: (creationId: string, step: number, why: string) =>
    info("worker-step-skipped", { creationId, step, why }),
  stepBusy: (creationId: string, step: number, attempt: number) =>
    info("worker-step-busy", { creationId, step, attempt }),
  generationStarted: (creationId: string, operationName: string, model: string) =>
    info("generation-started", { creationId, operationName, model }),
  generationResumed: (creationId: string, operationName: string) =>
    info("generation-resumed", { creationId, operationName }),
  generationRestarted: (creationId: string, deadOperation: string | null, restarts: number) =>
    warn("generation-restarted", { creationId, deadOperation, restarts }),
  generationRunning: (creationId: string, step: number, progress: number) =>
    info("generation-running", { creationId, step, progress }),
  videoStored: (
    creationId: string,
    mediaPath: string,
    transferMs: number,
    generationTime: number,
  ) => info("video-stored", { creationId, mediaPath, transferMs, generationTime }),
  leaseLost: (creationId: string, phase: string) =>
    warn("worker-lease-lost", { creationId, phase }),
  transientFailure: (creationId: string, attempt: number, message: string, final: boolean) =>
    warn("generation-transient-failure", { creationId, attempt, error: message, final }),
  refunded: (creationId: string, userId: string, cost: number, kind: string) =>
    info("creation-refunded", { creationId, userId, cost, kind }),
  permanentFailure: (creationId: string, kind: string, message: string, details: Fields) =>
    warn("generation-failed", { creationId, kind, error: message, details }),
  cleanupFailed: (creationId: string, what: string, err: unknown) =>
    warn("cleanup-failed", { creationId, what, error: String(err) }),
  sweep: (report: { examined: number; reEnqueued: number; refunded: number }) =>
    info("sweep", report),
  swept: (creationId: string, action: string, status: string) =>
    info("creation-swept", { creationId, action, status }),
  uploadCreated: (userId: string, uploadId: string, contentType: string, size: number) =>
    info("upload-created", { userId, uploadId, contentType, size }),
  inputRejected: (creationId: string, field: string, problem: string) =>
    warn("input-rejected", { creationId, field, problem }),
  uploadsSwept: (removed: number) => info("uploads-swept", { removed }),
  notConfigured: (where: string, problems: string[]) =>
    error("deployment-not-configured", { where, problems }),
  unexpected: (where: string, err: unknown, fields: Fields = {}) =>
    error("unexpected-error", {
      where,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
      ...fields,
    }),
};
