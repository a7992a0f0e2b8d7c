/**
 * The `creations/{id}` document as the functions write it and an owner reads it. Field names
 * come from the original plan (existing clients read them); the rest is what the pipeline
 * needs. Timestamps (`createdAt`, `updatedAt`, `workerStartedAt`, `completedAt`,
 * `refundedAt`) are added by the store as server timestamps and typed by each reader's SDK.
 */
import type {
  AspectRatio,
  CreationStatus,
  Duration,
  FilterCategory,
  ModelChoice,
  Resolution,
} from "./index";
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
  /** Videos asked for (absent on older documents: 1). `cost` = `pricePerVideo` × `sampleCount`. */
  sampleCount?: number;
  /** What one video costs; an undelivered video gives back exactly this. */
  pricePerVideo?: number;
  /** The delivered videos, first = `mediaPath`/`mediaUrl` (absent on older documents). */
  media?: CreationMedia[];
  /** Videos asked for but not delivered (filtered or missing), each refunded once. */
  undelivered?: UndeliveredVideo[];
  /** Tokens given back for undelivered videos of a delivered creation (0 when all arrived). */
  refundedTokens?: number;
  /** Failed because every video was filtered: why, as a category (`error` says it in words). */
  filterCategory?: FilterCategory | null;
  /** Whether the model's prompt rewriter was asked on (true) or off (false); absent: its default. */
  enhancePrompt?: boolean;
  /** The prompt as the model's rewriter rewrote it, when the model returned it (Veo: short prompts only). */
  enhancedPrompt?: string | null;
}

/** One delivered video of a creation. */
export interface CreationMedia {
  /** 0-based position among the videos asked for. */
  index: number;
  /** R2 key. */
  path: string;
  /** Presigned link while draft, public URL once published. */
  url: string | null;
  /** The seed the model reports for this video, when it reports one. */
  seed: number | null;
  /** R2 key and link of its poster (JPEG of the first good frame); null if it could not be made. */
  posterPath?: string | null;
  posterUrl?: string | null;
  /** R2 key and link of its spritesheet (evenly spaced frames tiled in one JPEG), and its grid. */
  spritePath?: string | null;
  spriteUrl?: string | null;
  sprite?: SpriteGrid | null;
}

/** How a spritesheet is laid out: `columns` × `rows` tiles, row by row, one every `intervalSeconds`. */
export interface SpriteGrid {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  /** Tile k (0-based) shows the video at k × intervalSeconds. */
  intervalSeconds: number;
}

/** A video asked for that did not arrive. */
export interface UndeliveredVideo {
  index: number;
  /** Filtered by the model's safety filters, or simply missing from its answer. */
  reason: "filtered" | "missing";
  /** For a filtered video: why. */
  category?: FilterCategory;
  /** For a filtered video: the plain explanation shown to the user. */
  message?: string;
}

/** A lease on a creation's media objects: publish and delete take turns (domain/media-op.ts). */
export interface CreationMediaOp {
  kind: "publish" | "delete";
  owner: string;
  expiresAtMs: number;
}
