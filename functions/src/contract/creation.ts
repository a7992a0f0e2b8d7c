/**
 * The `creations/{id}` document as the functions write it and an owner reads it. Field names
 * come from the original plan (existing clients read them); the rest is what the pipeline
 * needs. Timestamps (`createdAt`, `updatedAt`, `workerStartedAt`, `completedAt`,
 * `refundedAt`) are added by the store as server timestamps and typed by each reader's SDK.
 */
import type { AspectRatio, CreationStatus, Duration, ModelChoice, Resolution } from "./index";
import type { CreationInputs } from "./inputs";

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
  mediaOp?: CreationMediaOp | null;
  /** The visual inputs it was made from (absent for text-to-video). */
  inputs?: CreationInputs;
  /** The model tier asked for (absent on documents older than model choice: the default tier). */
  model?: ModelChoice;
  /** The Vertex AI model id the tier mapped to at submission, checked and priced for it. */
  veoModel?: string;
}

/** A lease on a creation's media objects: publish and delete take turns (domain/media-op.ts). */
export interface CreationMediaOp {
  kind: "publish" | "delete";
  owner: string;
  expiresAtMs: number;
}
