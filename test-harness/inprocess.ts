/**
 * Function tests in this process: params as on the local stack, the Admin SDK on the
 * Firestore at FIRESTORE_EMULATOR_HOST, Cloud Tasks replaced by a recorder.
 */
import { randomUUID } from "node:crypto";
import type { generateVideo } from "../functions/src/handlers/generate-video";
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

/** The request every callable handler takes. */
export type CallableRequest = Parameters<typeof generateVideo>[0];

export function callableRequest(
  data: unknown,
  uid?: string,
  claims: Record<string, unknown> = {},
): CallableRequest {
  return {
    data,
    rawRequest: {} as CallableRequest["rawRequest"],
    acceptsStreaming: false,
    ...(uid ? { auth: { uid, token: { uid, ...claims } as never, rawToken: "test" } } : {}),
  };
}

export const uniqueUid = (label = "user") => `${label}-${randomUUID().slice(0, 8)}`;
