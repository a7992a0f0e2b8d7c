/**
 * Function tests in this process: params as on the local stack, the Admin SDK on the
 * Firestore at FIRESTORE_EMULATOR_HOST, Cloud Tasks replaced by a recorder.
 */
import { randomUUID } from "node:crypto";
import type { CallableRequest } from "firebase-functions/v2/https";
import { loadLocalParams } from "./params";
import { startTaskRecorder, type TaskRecorder } from "./task-recorder";

export const PROJECT_ID = "demo-phoenix";

export function setupLocalEnv(overrides: Record<string, string> = {}): void {
  loadLocalParams(overrides);
  process.env.GCLOUD_PROJECT = PROJECT_ID;
  process.env.FIRESTORE_EMULATOR_HOST ??= "127.0.0.1:8080";
}

export async function withTaskRecorder(): Promise<TaskRecorder> {
  const recorder = await startTaskRecorder();
  process.env.CLOUD_TASKS_EMULATOR_HOST = recorder.host;
  return recorder;
}

/**
 * A callable request as the SDK hands it to a handler, from an app that passed App Check
 * (enforced outside the emulator; `{ appCheck: false }` for one that did not). A signed-in
 * caller's token carries what every real ID token does: a sign-in provider (here a verified
 * email account); `claims` adds or overrides claims.
 */
export function callableRequest(
  data: unknown,
  uid?: string,
  claims: Record<string, unknown> = {},
  options: { appCheck?: boolean } = {},
): CallableRequest<unknown> {
  const token = {
    uid,
    email_verified: true,
    firebase: { sign_in_provider: "password" },
    ...claims,
  };
  const app = { appId: "1:000000000000:web:phoenix-tests", token: {} as never };
  return {
    data,
    rawRequest: {} as CallableRequest["rawRequest"],
    acceptsStreaming: false,
    ...(options.appCheck === false ? {} : { app }),
    ...(uid ? { auth: { uid, token: token as never, rawToken: "test" } } : {}),
  };
}

/** The Auth trigger's record of an email account (verified unless told otherwise). */
export const signUpRecord = (uid: string, emailVerified = true) => ({
  uid,
  emailVerified,
  providerData: [{ providerId: "password" }],
});

export const uniqueUid = (label = "user") => `${label}-${randomUUID().slice(0, 8)}`;
