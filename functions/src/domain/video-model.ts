/**
 * The port every video model adapter implements (Veo on Vertex AI, the local ffmpeg model).
 * Generation is a long-running operation: start it once, save its name, poll it by name.
 * Adapters throw `ModelError` (domain/failure.ts) for every failure they can classify.
 */
import type { Readable } from "node:stream";
import type { AspectRatio, Duration, ReferenceType, Resolution } from "../contract";

export interface VideoRequest {
  creationId: string;
  userId: string;
  prompt: string;
  negativePrompt?: string;
  aspectRatio: AspectRatio;
  duration: Duration;
  resolution: Resolution;
  generateAudio: boolean;
  seed?: number;
  /** The Vertex AI model id of the request's tier (absent: the adapter's own model). */
  modelId?: string;
  /** Videos to generate in this one operation (default 1). */
  sampleCount?: number;
  /** Visual inputs, checked and loaded by the worker (absent for text-to-video). */
  inputs?: ModelInputs;
  /** The model's prompt rewriter on or off (absent: the model's default). */
  enhancePrompt?: boolean;
}

/** An input image, its bytes checked (type by magic number, dimensions, completeness). */
export interface InputImage {
  bytes: Buffer;
  mimeType: string;
}

export interface ModelInputs {
  image?: InputImage;
  lastFrame?: InputImage;
  referenceImages?: { image: InputImage; referenceType: ReferenceType }[];
  /** The video to continue: opened as a stream when the model needs it (never buffered). */
  extend?: { open: () => Promise<Readable>; contentType: string; addedSeconds: number };
}

/** Where a finished video sits until the worker moves it to R2 (a gs:// URI or a local file path). */
export interface VideoLocation {
  uri: string;
  contentType: string;
  /** The seed the model reports for this video, if any. */
  seed?: number;
}

/** Videos of a finished operation that the model's safety filters withheld. */
export interface FilteredVideos {
  count: number;
  /** The model's own reasons (Veo: `raiMediaFilteredReasons`, with support codes). */
  reasons: string[];
}

export type OperationStatus =
  | { done: false; /** 0..1, the model's own estimate when it has one */ progress?: number }
  | {
      done: true;
      /** The first delivered video. */
      video: VideoLocation;
      /** Every delivered video, the first included (absent: just `video`). */
      videos?: VideoLocation[];
      /** Some of the videos asked for were filtered (the others are delivered). */
      filtered?: FilteredVideos;
      /** The prompt as the model's rewriter rewrote it, when the model returns it. */
      enhancedPrompt?: string;
    };

export interface VideoModel {
  /** The adapter's model; stored on the creation as `modelUsed` unless `modelFor` says otherwise. */
  readonly modelId: string;
  /** The model a request runs on (Veo: the request's tier), stored as `modelUsed`. */
  modelFor?(request: VideoRequest): string;
  /**
   * Starts a paid generation and returns the operation name. `attempt` counts earlier
   * transient failures for this creation (the local model's `[[transient:N]]` uses it).
   */
  start(request: VideoRequest, attempt: number): Promise<{ operationName: string }>;
  /** Looks at an operation by name; never starts anything. */
  poll(operationName: string, attempt: number): Promise<OperationStatus>;
  /** A stream of the finished video, for the transfer to R2 (never buffered whole). */
  openVideo(video: VideoLocation): Promise<Readable>;
  /** Removes the temporary copy after a successful transfer (best effort). */
  discardVideo(video: VideoLocation): Promise<void>;
}
