/**
 * Typed wrappers of the Phoenix callables. Each validates its input with the schema the
 * functions use (so a bad request fails fast, offline, with the server's error shape),
 * then calls the function with `httpsCallable`; the user's ID token is attached by the SDK.
 * Every wrapper returns a promise: validation errors reject it, they never throw synchronously.
 */
import { httpsCallable, type Functions } from "firebase/functions";
import {
  creationRefInput,
  generateVideoInput,
  grantTokensInput,
  invalidFields,
  claimWelcomeGrantInput,
  type CancelCreationResult,
  type ClaimWelcomeGrantResult,
  type CreationRefInput,
  type DeleteCreationResult,
  type GenerateVideoInput,
  type GenerateVideoResult,
  type GrantTokensInput,
  type GrantTokensResult,
  type MediaUrlResult,
  type PublishCreationResult,
} from "../functions/src/contract";
import { ClientValidationError, isRetryable } from "./errors";

/** The part of a zod schema used here (zod itself resolves from functions/, not from client/). */
export interface SharedSchema<T> {
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: Parameters<typeof invalidFields>[0] };
}

/** Parses with a shared schema; throws `ClientValidationError` listing the bad fields. */
export function validate<T>(schema: SharedSchema<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ClientValidationError({ fields: invalidFields(parsed.error) });
  return parsed.data;
}

async function call<Req, Res>(functions: Functions, name: string, data: Req): Promise<Res> {
  // The default 70 s timeout is ample: every callable returns before the video is made.
  const { data: result } = await httpsCallable<Req, Res>(functions, name)(data);
  return result;
}

export interface RetryOptions {
  /** Calls in all, the first included (default 3). */
  maxAttempts?: number;
  /** Wait before the first retry; doubles each time (default 500 ms). */
  retryDelayMs?: number;
}

/** A fresh idempotency key for one logical submission; persist it to survive a page reload. */
export function newRequestId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Calls an idempotent callable again after a retryable failure (network, timeout, overload).
 * Safe only because the request carries its idempotency key: a reply lost after the server
 * committed is answered, the second time, with the same result and no second charge.
 */
async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 3;
  const delayMs = options.retryDelayMs ?? 500;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= maxAttempts || !isRetryable(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (n - 1)));
    }
  }
}

export type SubmittedVideo = GenerateVideoResult & { requestId: string };

/**
 * Debits the tokens and queues the video; follow it with `watchCreation(db, creationId, …)`.
 * Idempotent by default: without `input.requestId` a fresh one is made, and the same one is
 * sent on every retry of this submission, so an app never pays twice for one tap.
 */
export async function generateVideo(
  functions: Functions,
  input: GenerateVideoInput,
  options: RetryOptions = {},
): Promise<SubmittedVideo> {
  const request = validate(generateVideoInput, {
    ...input,
    requestId: input.requestId ?? newRequestId(),
  });
  const requestId = request.requestId as string;
  const result = await withRetries(
    () => call<typeof request, GenerateVideoResult>(functions, "generateVideo", request),
    options,
  );
  return { ...result, requestId };
}

/** Makes a draft public; the result carries the public media URL. */
export async function publishCreation(
  functions: Functions,
  input: CreationRefInput,
): Promise<PublishCreationResult> {
  return call(functions, "publishCreation", validate(creationRefInput, input));
}

/** Cancels a job that has not started generating, with a refund. */
export async function cancelCreation(
  functions: Functions,
  input: CreationRefInput,
): Promise<CancelCreationResult> {
  return call(functions, "cancelCreation", validate(creationRefInput, input));
}

/** Deletes a finished creation and its media. */
export async function deleteCreation(
  functions: Functions,
  input: CreationRefInput,
): Promise<DeleteCreationResult> {
  return call(functions, "deleteCreation", validate(creationRefInput, input));
}

/** A fresh link to the owner's media (draft links expire; see `expiresAt`). */
export async function getMediaUrl(
  functions: Functions,
  input: CreationRefInput,
): Promise<MediaUrlResult> {
  return call(functions, "getMediaUrl", validate(creationRefInput, input));
}

/**
 * The welcome grant for an account that qualifies now but did not at sign-up (call it after
 * the user verified their email address). Safe to repeat: at most one grant per user.
 */
export async function claimWelcomeGrant(functions: Functions): Promise<ClaimWelcomeGrantResult> {
  return call(functions, "claimWelcomeGrant", validate(claimWelcomeGrantInput, {}));
}

/**
 * Admin only (custom claim `admin: true`): adds tokens to a user's balance, once per
 * `grantId` (retried on network failures; a replay answers `replayed: true`).
 */
export async function grantTokens(
  functions: Functions,
  input: GrantTokensInput,
  options: RetryOptions = {},
): Promise<GrantTokensResult> {
  const request = validate(grantTokensInput, input);
  return withRetries(() => call(functions, "grantTokens", request), options);
}
