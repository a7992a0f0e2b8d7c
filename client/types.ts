/**
 * The `creations/{id}` document as a client reads it: the documented fields, picked from the
 * functions' own type so the two cannot drift, plus the timestamps the store adds.
 */
import type { Timestamp } from "firebase/firestore";
import type { Creation } from "../functions/src/domain/creation";
import { END_STATUSES } from "../functions/src/domain/creation-state";
import type { CreationStatus } from "../functions/src/contract";

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

export type EndStatus = (typeof END_STATUSES)[number];
export { END_STATUSES };

/** draft, published, failed and cancelled: a creation never leaves them except draft → published. */
export function isEndStatus(status: CreationStatus): status is EndStatus {
  return (END_STATUSES as readonly string[]).includes(status);
}
