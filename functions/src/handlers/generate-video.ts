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
import { requestHashOf } from "../domain/admission";
import { fingerprintFields, newCreation } from "../domain/creation";
import { priceOf } from "../domain/pricing";
import { capabilitiesOf, unsupportedFields } from "../domain/video-capabilities";
import { decideBacklog, type BacklogDecision } from "../domain/backlog";
import { maxActiveCreations } from "../config/params";
import { schedule } from "../config/schedule";
import { configuredModelIds, readinessProblems } from "../config/runtime";
import { welcomePolicy } from "../config/welcome";
import { accountFactsFromToken } from "../domain/welcome-policy";
import * as creationStore from "../adapters/creation-store";
import { enqueueStep, QUEUES } from "../adapters/task-queue";
import { renderEstimateMs, typicalRenderMs } from "../adapters/render-estimate";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";
import { resolveVisualInputs, type InputLookups } from "./visual-inputs";
import * as uploadStore from "../adapters/upload-store";

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
  "queue-full": {
    code: "resource-exhausted",
    message: "Too many videos are waiting to be generated right now. Try again later.",
  },
  "service-not-configured": {
    code: "failed-precondition",
    message: "Video generation is not available right now. Nothing was charged.",
  },
};

/** What a submission needs from outside: the store, the task queue and the limits. */
export interface SubmitDeps {
  store: Pick<
    typeof creationStore,
    "mintCreationId" | "submitCreation" | "markEnqueueFailed" | "countPending"
  >;
  enqueueStep: typeof enqueueStep;
  /** The job cap and the welcome-grant facts for this caller. */
  limits: (request: CallableRequest<unknown>) => SubmitLimits;
  /** Visual inputs: where uploads and source videos are looked up (default: Firestore). */
  inputs?: Pick<InputLookups, "getUpload" | "getCreation"> & {
    markUploadsUsed: typeof uploadStore.markUploadsUsed;
  };
  /** Start-to-draft time for the ETA (absent: Veo's typical render time). */
  renderEstimateMs?: () => Promise<number>;
}
export type SubmitLimits = Omit<creationStore.SubmitLimits, "backlog">;

const productionDeps: SubmitDeps = {
  store: creationStore,
  enqueueStep,
  renderEstimateMs,
  limits: (request) => ({
    maxActiveJobs: maxActiveCreations.value(),
    welcome: {
      policy: welcomePolicy(),
      account: accountFactsFromToken(request.auth?.token ?? {}),
      nowMs: Date.now(),
    },
  }),
};

function refuse(reason: ErrorReason, details: Record<string, unknown> = {}): HttpsError {
  const { code, message } = REFUSALS[reason];
  return new HttpsError(code, message, { reason, ...details });
}

export async function generateVideo(
  request: CallableRequest<unknown>,
  deps: SubmitDeps = productionDeps,
): Promise<GenerateVideoResult> {
  const started = Date.now();
  try {
    const result = await submit(request, deps);
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

async function submit(request: CallableRequest<unknown>, deps: SubmitDeps) {
  const userId = requireUser(request);
  const input = parseInput(generateVideoInput, request.data);
  // Before any charge: a deployment that cannot run the job, or a model that cannot make it.
  const problems = readinessProblems();
  if (problems.length) {
    logs.notConfigured("generateVideo", problems);
    throw refuse(ErrorReason.serviceNotConfigured);
  }
  // The tier's model, checked before any charge (readiness made sure every tier's id is known).
  const veoModel = configuredModelIds()[input.model];
  const model = capabilitiesOf(veoModel);
  const unsupported = model ? unsupportedFields(model, input) : [];
  if (unsupported.length) {
    throw new HttpsError("invalid-argument", `The ${input.model} model cannot make this video.`, {
      fields: unsupported,
      model: input.model,
    });
  }
  return guarded("generateVideo", async () => {
    const lookups = deps.inputs ?? { ...uploadStore, getCreation: creationStore.getCreation };
    const visual = await resolveVisualInputs(userId, input, veoModel, {
      ...lookups,
      jobLimitMs: schedule().ms.sweepHardLimit,
      nowMs: Date.now(),
    });
    const cost = priceOf(input);
    const creationId = deps.store.mintCreationId(userId, input.requestId);
    const creation = newCreation(
      userId,
      input,
      cost,
      requestHashOf(fingerprintFields(input)),
      veoModel,
    );
    if (visual) creation.inputs = visual.inputs;
    // The backlog count and the transaction's reads go out together: one round trip, not two.
    const backlog = admitToQueue(deps);
    backlog.catch(() => undefined); // awaited inside the transaction, unless a replay never needs it
    const storeStarted = Date.now();
    const outcome = await deps.store.submitCreation(creationId, creation, {
      ...deps.limits(request),
      backlog,
    });
    if (outcome.outcome === "reject") throw refuse(outcome.reason, outcome.details);
    const enqueueStarted = Date.now();
    // A replay re-enqueues a still-pending job: harmless (same task id) and it heals a lost enqueue.
    if (outcome.status === "pending") await enqueueFirstStep(creationId, deps);
    if (visual?.uploadIds.length && outcome.outcome === "created") {
      await lookups
        .markUploadsUsed(visual.uploadIds, creationId)
        .catch((err) => logs.unexpected("markUploadsUsed", err, { creationId }));
    }
    const phases = {
      storeMs: enqueueStarted - storeStarted,
      enqueueMs: Date.now() - enqueueStarted,
    };
    return {
      response: {
        creationId,
        status: outcome.status,
        cost: outcome.cost,
        balance: outcome.balance,
      },
      log: { userId, creationId, cost: outcome.cost, outcome: outcome.outcome, ...phases },
    };
  });
}

/**
 * The backlog check before any charge (domain/backlog.ts): one count() of the pending jobs.
 * Durations and rate from the schedule (production's, scaled in time in the emulator).
 */
async function admitToQueue(deps: SubmitDeps): Promise<BacklogDecision> {
  const { ms, perMinute } = schedule();
  // Both reads at once: the render estimate is cached per instance, the count is not.
  const [pending, renderMs] = await Promise.all([
    deps.store.countPending(),
    deps.renderEstimateMs ? deps.renderEstimateMs() : typicalRenderMs(),
  ]);
  return decideBacklog(
    pending,
    {
      startsPerMinute: perMinute.starts,
      hardLimitMs: ms.sweepHardLimit,
      finishBudgetMs: ms.admissionFinishBudget,
    },
    Date.now(),
    renderMs,
  );
}

async function enqueueFirstStep(creationId: string, deps: SubmitDeps): Promise<void> {
  try {
    await deps.enqueueStep(QUEUES.start, { creationId, step: 0 });
  } catch (err) {
    logs.enqueueFailed(creationId, err);
    await deps.store
      .markEnqueueFailed(creationId, true)
      .catch((markErr) => logs.unexpected("markEnqueueFailed", markErr));
  }
}
