/**
 * Typed checks for the errors the Phoenix callables throw. The Firebase client SDK reports
 * `FunctionsError.code` as "functions/<code>"; the bare "<code>" form (other callable
 * clients, `ClientValidationError`) is accepted too. Branch on `code` and `details.reason`,
 * never on messages.
 */
import { ErrorReason } from "../functions/src/contract";

/** The callable error codes Phoenix uses (gRPC canonical names in kebab case). */
export type PhoenixErrorCode =
  | "unauthenticated"
  | "invalid-argument"
  | "failed-precondition"
  | "resource-exhausted"
  | "permission-denied"
  | "not-found"
  | "internal"
  | "unavailable"
  | "deadline-exceeded";

/** Structural view of a `FunctionsError` (or anything shaped like one). */
export interface CallableErrorLike<D = unknown> {
  code: string;
  message: string;
  details?: D;
}

/** A callable error whose `details` a check below has confirmed. */
export interface CallableErrorWith<D> extends CallableErrorLike<D> {
  details: D;
}

export interface InvalidArgumentDetails {
  fields: string[];
}
export interface InsufficientTokensDetails {
  reason: typeof ErrorReason.insufficientTokens;
  required: number;
  balance: number;
}
export interface TooManyActiveJobsDetails {
  reason: typeof ErrorReason.tooManyActiveJobs;
}
export interface IdempotencyKeyReusedDetails {
  reason: typeof ErrorReason.idempotencyKeyReused;
}
export interface WrongStateDetails {
  reason: typeof ErrorReason.wrongState;
  /** The creation's status when the call was refused. */
  status: string;
}

/**
 * Thrown by the client wrappers before any network call when the input fails the shared
 * schema; shaped like the server's `invalid-argument` so the same checks apply.
 */
export class ClientValidationError
  extends Error
  implements CallableErrorWith<InvalidArgumentDetails>
{
  readonly code = "invalid-argument";
  constructor(readonly details: InvalidArgumentDetails) {
    super(`invalid fields: ${details.fields.join(", ")}`);
    this.name = "ClientValidationError";
  }
}

/** "functions/invalid-argument" → "invalid-argument"; undefined for non-callable errors. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return undefined;
  return code.startsWith("functions/") ? code.slice("functions/".length) : code;
}

function reasonOf(err: unknown): unknown {
  const details = (err as { details?: unknown }).details;
  return typeof details === "object" && details !== null
    ? (details as { reason?: unknown }).reason
    : undefined;
}

const hasCode = (err: unknown, code: PhoenixErrorCode): err is CallableErrorLike =>
  errorCode(err) === code;

export function isUnauthenticated(err: unknown): err is CallableErrorLike {
  return hasCode(err, "unauthenticated");
}

/** Bad input; `err.details.fields` lists the offending fields (e.g. ["duration"]). */
export function isInvalidArgument(err: unknown): err is CallableErrorWith<InvalidArgumentDetails> {
  if (!hasCode(err, "invalid-argument")) return false;
  const fields = (err.details as { fields?: unknown } | undefined)?.fields;
  return Array.isArray(fields) && fields.every((f) => typeof f === "string");
}

/** Not enough tokens; `err.details` has `required` and `balance`. */
export function isInsufficientTokens(
  err: unknown,
): err is CallableErrorWith<InsufficientTokensDetails> {
  return hasCode(err, "failed-precondition") && reasonOf(err) === ErrorReason.insufficientTokens;
}

/** Too many unfinished jobs for this user: wait for one to end, then retry. */
export function isTooManyActiveJobs(
  err: unknown,
): err is CallableErrorWith<TooManyActiveJobsDetails> {
  return hasCode(err, "resource-exhausted") && reasonOf(err) === ErrorReason.tooManyActiveJobs;
}

/** The `requestId` was used before with different parameters: a client bug, do not retry. */
export function isIdempotencyKeyReused(
  err: unknown,
): err is CallableErrorWith<IdempotencyKeyReusedDetails> {
  return hasCode(err, "failed-precondition") && reasonOf(err) === ErrorReason.idempotencyKeyReused;
}

/** The creation is in the wrong state for this action; `err.details.status` says which. */
export function isWrongState(err: unknown): err is CallableErrorWith<WrongStateDetails> {
  return hasCode(err, "failed-precondition") && reasonOf(err) === ErrorReason.wrongState;
}

/** No such creation, or someone else's (the server does not say which). */
export function isNotFound(err: unknown): err is CallableErrorLike {
  return hasCode(err, "not-found") || hasCode(err, "permission-denied");
}

/** Worth retrying unchanged later (network, overload); everything else needs a change first. */
export function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  return code === "unavailable" || code === "deadline-exceeded" || code === "internal";
}
