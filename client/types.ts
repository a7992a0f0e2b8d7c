/**
 * The `creations/{id}` document as a client reads it: the documented fields, picked from the
 * contract's type so the two cannot drift, plus the timestamps the store adds.
 */
import type { Timestamp } from "firebase/firestore";
import type { Creation } from "../functions/src/contract";

export type CreationData = Pick<
  Creation,
  | "userId"
  | "prompt"
  | "negativePrompt"
  | "aspectRatio"
  | "duration"
  | "resolution"
  | "generateAudio"
  | "seed"
  | "cost"
  | "status"
  | "progress"
  | "mediaUrl"
  | "mediaPath"
  | "generationTime"
  | "modelUsed"
  | "error"
  | "retryCount"
  | "lastError"
  | "refunded"
  | "requestId"
  | "queuePosition"
  | "model"
  | "sampleCount"
  | "media"
  | "undelivered"
  | "refundedTokens"
  | "filterCategory"
  | "enhancePrompt"
  | "enhancedPrompt"
> & {
  /** While pending: when the video should be ready (queue position, start quota, render time). */
  estimatedReadyAt?: Timestamp | null;
  createdAt?: Timestamp | null;
  updatedAt?: Timestamp | null;
  workerStartedAt?: Timestamp | null;
  completedAt?: Timestamp | null;
  refundedAt?: Timestamp | null;
};

/** A creation with its document id. */
export interface CreationSnapshot extends CreationData {
  id: string;
}
