/**
 * `generateVideo`: one transaction checks and debits the tokens and writes the creation and
 * its ledger entry; then the first worker step is enqueued. An enqueue failure never loses
 * the job: the creation is flagged and the sweeper enqueues it later.
 */
import {
  HttpsError,
  type CallableRequest,
  type FunctionsErrorCode,
} from "firebase-functions/v2/https";
import { ErrorReason, generateVideoInput, type GenerateVideoResult } from "../contract";
import { creationIdFor, requestHashOf } from "../domain/admission";
import { fingerprintFields, newCreation } from "../domain/creation";
import { priceOf } from "../domain/pricing";
import { capabilitiesOf, unsupportedFields } from "../domain/video-capabilities";
import { maxActiveCreations, veoModelId, welcomeTokens } from "../config/params";
import { readinessProblems } from "../config/runtime";
import { markEnqueueFailed, submitCreation } from "../adapters/creation-store";
import { firestore, collections } from "../adapters/firebase";
import { enqueueStep, QUEUES } from "../adapters/task-queue";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

/** How each refusal reaches the client: the code it branches on, and words for a person. */
const REFUSALS: Record<ErrorReason, { code: FunctionsErrorCode; message: string }> = {
  "insufficient-tokens": {
    code: "failed-precondition",
    message: "Not enough tokens for this video.",
  },
  "too-many-active-jobs": {
    code: "resource-exhausted",
    message: "Too many videos are being generated for you right now. Wait for one to finish.",
  },
  "idempotency-key-reused": {
    code: "failed-precondition",
    message: "This requestId was already used with different parameters.",
  },
  "wrong-state": { code: "failed-precondition", message: "Not possible in this state." },
  "service-not-configured": {
    code: "failed-precondition",
    message: "Video generation is not available right now. Nothing was charged.",
  },
};

function refuse(reason: ErrorReason, details: Record<string, unknown> = {}): HttpsError {
  const { code, message } = REFUSALS[reason];
  return new HttpsError(code, message, { reason, ...details });
}

export async function generateVideo(
  request: CallableRequest<unknown>,
): Promise<GenerateVideoResult> {
  const started = Date.now();
  try {
    const result = await submit(request);
    logs.submission({ ...result.log, durationMs: Date.now() - started });
    return result.response;
  } catch (err) {
    // One log line per outcome, refusals included.
    const code = err instanceof HttpsError ? err.code : "internal";
    const reason =
      err instanceof HttpsError
        ? (err.details as { reason?: string } | undefined)?.reason
        : undefined;
    logs.submission({
      userId: request.auth?.uid ?? "(anonymous)",
      outcome: code,
      ...(reason ? { reason } : {}),
      durationMs: Date.now() - started,
    });
    throw err;
  }
}

async function submit(request: CallableRequest<unknown>) {
  const userId = requireUser(request);
  const input = parseInput(generateVideoInput, request.data);
  // Before any charge: a deployment that cannot run the job, or a model that cannot make it.
  const problems = readinessProblems();
  if (problems.length) {
    logs.notConfigured("generateVideo", problems);
    throw refuse(ErrorReason.serviceNotConfigured);
  }
  const model = capabilitiesOf(veoModelId.value());
  const unsupported = model ? unsupportedFields(model, input) : [];
  if (unsupported.length) {
    throw new HttpsError("invalid-argument", `${veoModelId.value()} cannot make this video.`, {
      fields: unsupported,
    });
  }
  return guarded("generateVideo", async () => {
    const cost = priceOf(input);
    const creationId = input.requestId
      ? creationIdFor(userId, input.requestId)
      : firestore().collection(collections.creations).doc().id;
    const creation = newCreation(userId, input, cost, requestHashOf(fingerprintFields(input)));

    const outcome = await submitCreation(creationId, creation, {
      maxActiveJobs: maxActiveCreations.value(),
      welcomeTokens: welcomeTokens.value(),
    });
    if (outcome.outcome === "reject") throw refuse(outcome.reason, outcome.details);
    // A replay re-enqueues a still-pending job: harmless (same task id) and it heals a lost enqueue.
    if (outcome.status === "pending") await enqueueFirstStep(creationId);
    return {
      response: {
        creationId,
        status: "pending",
        cost: outcome.cost,
        balance: outcome.balance,
      } as const,
      log: { userId, creationId, cost: outcome.cost, outcome: outcome.outcome },
    };
  });
}

async function enqueueFirstStep(creationId: string): Promise<void> {
  try {
    await enqueueStep(QUEUES.start, { creationId, step: 0 });
  } catch (err) {
    logs.enqueueFailed(creationId, err);
    await markEnqueueFailed(creationId, true).catch((markErr) =>
      logs.unexpected("markEnqueueFailed", markErr),
    );
  }
}
