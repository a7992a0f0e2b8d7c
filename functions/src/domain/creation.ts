/**
 * A new creation, the model request it carries, and where its video goes. The document type
 * itself is part of the contract (contract/creation.ts).
 */
import { DEFAULT_MODEL, type Creation, type GenerateVideoRequest } from "../contract";
import { INITIAL_STATUS } from "./creation-state";
import type { VideoRequest } from "./video-model";

export type { Creation };

export function newCreation(
  userId: string,
  request: GenerateVideoRequest,
  cost: number,
  requestHash: string,
  /** The Vertex AI model id the request's tier maps to (config), already checked against it. */
  veoModel?: string,
): Creation {
  return {
    userId,
    prompt: request.prompt,
    negativePrompt: request.negativePrompt ?? null,
    aspectRatio: request.aspectRatio,
    duration: request.duration,
    resolution: request.resolution,
    generateAudio: request.generateAudio,
    seed: request.seed ?? null,
    cost,
    status: INITIAL_STATUS,
    progress: 0,
    mediaUrl: null,
    mediaPath: null,
    generationTime: null,
    modelUsed: null,
    error: null,
    errorKind: null,
    retryCount: 0,
    lastError: null,
    refunded: false,
    requestId: request.requestId ?? null,
    requestHash,
    enqueueFailed: false,
    workerStep: 0,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    operationName: null,
    operationStartedAtMs: null,
    generationRestarts: 0,
    model: request.model,
    ...(veoModel ? { veoModel } : {}),
  };
}

export function videoRequestOf(id: string, creation: Creation): VideoRequest {
  return {
    creationId: id,
    userId: creation.userId,
    prompt: creation.prompt,
    ...(creation.negativePrompt ? { negativePrompt: creation.negativePrompt } : {}),
    aspectRatio: creation.aspectRatio,
    duration: creation.duration,
    resolution: creation.resolution,
    generateAudio: creation.generateAudio,
    ...(creation.seed !== null ? { seed: creation.seed } : {}),
    ...(creation.veoModel ? { modelId: creation.veoModel } : {}),
  };
}

/** R2 key of a creation's video. */
export function mediaPathOf(userId: string, creationId: string): string {
  return `videos/${userId}/${creationId}.mp4`;
}

/** What the parameters of a request are, for the idempotency fingerprint. */
export function fingerprintFields(request: GenerateVideoRequest): Record<string, unknown> {
  const { requestId: _ignored, model, ...rest } = request;
  // The default tier is left out, so a replay of a request sent before tiers existed still matches.
  return model === DEFAULT_MODEL ? rest : { ...rest, model };
}
