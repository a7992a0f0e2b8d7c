/**
 * Classifies Vertex AI (Veo) outcomes into the shared failure kinds. Pure, so the rules
 * are readable in one place: retry what can succeed later, refund what never will.
 */
import { ModelError } from "../domain/failure";
import { supportCodesIn } from "../domain/filter-reasons";

/** google.rpc.Code values that can succeed when tried again. */
const RETRYABLE_RPC_CODES = new Set([
  1, // CANCELLED (by the server)
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED (quota)
  10, // ABORTED
  13, // INTERNAL
  14, // UNAVAILABLE
]);

/** Veo reports prompt-safety rejections as errors whose message carries support codes. */
const SAFETY_MESSAGE = /usage guidelines|responsible ai|safety|support codes?:/i;

export interface GoogleApiError {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown[];
}

export { supportCodesIn };

function policyError(message: string, details: Record<string, unknown>): ModelError {
  return new ModelError("policy", message, { ...details, supportCodes: supportCodesIn([message]) });
}

/** A non-2xx HTTP answer from Vertex AI. */
export function classifyHttpError(
  status: number,
  body: GoogleApiError | undefined,
  call: string,
): ModelError {
  const message = `Vertex AI ${call}: HTTP ${status}${body?.status ? ` ${body.status}` : ""}: ${body?.message ?? "no message"}`;
  const details = { status, code: body?.status, call };
  if (status === 400 && body?.message && SAFETY_MESSAGE.test(body.message))
    return policyError(message, details);
  // 401: an expired or not-yet-valid token refreshes on the next try.
  if (status === 401 || status === 408 || status === 409 || status === 429 || status >= 500) {
    return new ModelError("transient", message, details);
  }
  // 400 INVALID_ARGUMENT / FAILED_PRECONDITION, 403 (permission, API disabled), 404 (model).
  return new ModelError("invalid", message, details);
}

/** The `error` of a finished long-running operation (a google.rpc.Status). */
export function classifyOperationError(error: GoogleApiError, operationName: string): ModelError {
  const code = error.code ?? 2;
  const message = `Veo operation failed (code ${code}): ${error.message ?? "no message"}`;
  // Finished: polling it again cannot change the outcome (a retry must start a new generation).
  const details = { rpcCode: code, operationName, operationFinished: true };
  if (code === 3 && error.message && SAFETY_MESSAGE.test(error.message))
    return policyError(message, details);
  if (RETRYABLE_RPC_CODES.has(code)) return new ModelError("transient", message, details);
  return new ModelError("invalid", message, details);
}

/** No answer at all: connection refused/reset, DNS, timeout, token fetch failure. */
export function classifyNetworkError(error: unknown, call: string): ModelError {
  const err = error as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string };
  };
  const timeout = err.name === "TimeoutError" || err.name === "AbortError";
  const code = err.cause?.code ?? err.code;
  return new ModelError(
    "transient",
    `Vertex AI ${call}: ${timeout ? "request timed out" : `network error: ${err.message ?? String(error)}`}`,
    { call, network: true, timeout, ...(code ? { errorCode: code } : {}) },
  );
}
