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
  type CancelCreationResult,
  type CreationRefInput,
  type DeleteCreationResult,
  type GenerateVideoInput,
  type GenerateVideoResult,
  type GrantTokensInput,
  type GrantTokensResult,
  type MediaUrlResult,
  type PublishCreationResult,
} from "../functions/src/contract";
import { ClientValidationError } from "./errors";

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

/** Debits the tokens and queues the video; follow it with `watchCreation(db, creationId, …)`. */
export async function generateVideo(
  functions: Functions,
  input: GenerateVideoInput,
): Promise<GenerateVideoResult> {
  return call(functions, "generateVideo", validate(generateVideoInput, input));
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

/** Admin only (custom claim `admin: true`): adds tokens to a user's balance. */
export async function grantTokens(
  functions: Functions,
  input: GrantTokensInput,
): Promise<GrantTokensResult> {
  return call(functions, "grantTokens", validate(grantTokensInput, input));
}
