/**
 * The `creations/{id}` document as the functions write it. Field names come from the
 * original plan (existing clients read them); the rest is what the pipeline needs.
 */
import type { CreationStatus, GenerateVideoRequest } from "../contract";
import type { MediaOp } from "./media-op";
import type { AspectRatio, Duration, Resolution, VideoRequest } from "./video-model";

export interface Creation {
  userId: string;
  prompt: string;
  negativePrompt: string | null;
  aspectRatio: AspectRatio;
  duration: Duration;
  resolution: Resolution;
  generateAudio: boolean;
  seed: number | null;
  cost: number;
  status: CreationStatus;
  progress: number;
  mediaUrl: string | null;
  mediaPath: string | null;
  generationTime: number | null;
  modelUsed: string | null;
  error: string | null;
  errorKind: string | null;
  retryCount: number;
  lastError: string | null;
  refunded: boolean;
  requestId: string | null;
  requestHash: string;
  /** Set when the worker task could not be enqueued; the sweeper picks these up. */
  enqueueFailed: boolean;
  /** The current worker step; task payloads carry it so stale deliveries are recognised. */
  workerStep: number;
  leaseOwner: string | null;
  leaseExpiresAtMs: number | null;
  operationName: string | null;
  operationStartedAtMs: number | null;
  /** Fresh generations started after a finished operation failed (absent on older documents). */
  generationRestarts?: number;
  /** While pending: place in the start queue (1 = next); null once a worker has it. */
  queuePosition?: number | null;
  /** Estimated end of the generation, from the queue position, the start rate and Veo's render time. */
  estimatedReadyAt?: Date | null;
  /** The publish or delete moving this creation's media right now (absent on older documents). */
  mediaOp?: MediaOp | null;
}

export function newCreation(
  userId: string,
  request: GenerateVideoRequest,
  cost: number,
  requestHash: string,
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
    status: "pending",
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
  };
}

/** R2 key of a creation's video. */
export function mediaPathOf(userId: string, creationId: string): string {
  return `videos/${userId}/${creationId}.mp4`;
}

/** What the parameters of a request are, for the idempotency fingerprint. */
export function fingerprintFields(request: GenerateVideoRequest): Record<string, unknown> {
  const { requestId: _ignored, ...rest } = request;
  return rest;
}
