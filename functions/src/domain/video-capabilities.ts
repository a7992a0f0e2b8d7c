/**
 * What each video model accepts, per the Vertex AI model pages (Veo 3.1:
 * cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-1-generate; Veo 3 / Veo 2 pages
 * alike), and the start quota that sets the rate of the start queue. A request is checked
 * against its model at submission, before any charge: a combination the model refuses would
 * otherwise be charged, fail as invalid and be refunded.
 */
import type { AspectRatio, Duration, ModelChoice, Resolution } from "../contract";

export interface ModelCapabilities {
  /** Generally available id (the `-preview` Veo ids were withdrawn from Vertex AI in 2026). */
  ga: boolean;
  /** Vertex AI quota: "Maximum API requests per minute per project". */
  startsPerMinute: number;
  aspectRatios: readonly AspectRatio[];
  /** Durations allowed at each resolution (a resolution missing here is not supported). */
  durations: Partial<Record<Resolution, readonly Duration[]>>;
  audio: boolean;
  /** "Maximum videos returned per request". */
  maxSamples: number;
  /** Takes `enhancePrompt` (its LLM prompt rewriter switched on or off). */
  promptRewriter: boolean;
}

const VEO_3: Omit<ModelCapabilities, "ga" | "startsPerMinute"> = {
  aspectRatios: ["16:9", "9:16"],
  durations: { "720p": [4, 6, 8], "1080p": [4, 6, 8] },
  audio: true,
  maxSamples: 4,
  promptRewriter: true,
};

export const VIDEO_MODELS = {
  "veo-3.1-generate-001": { ga: true, startsPerMinute: 50, ...VEO_3 },
  "veo-3.1-fast-generate-001": { ga: true, startsPerMinute: 50, ...VEO_3 },
  // Veo 3.1 Lite (GA id veo-3.1-lite-generate-001): the cost tier, 720p and 1080p with audio.
  "veo-3.1-lite-generate-001": { ga: true, startsPerMinute: 50, ...VEO_3 },
  "veo-3.0-generate-001": { ga: true, startsPerMinute: 10, ...VEO_3 },
  "veo-3.0-fast-generate-001": { ga: true, startsPerMinute: 10, ...VEO_3 },
  // Veo 2: 5-8 s (so 6 and 8 of ours), 720p, no audio.
  "veo-2.0-generate-001": {
    ga: true,
    startsPerMinute: 10,
    aspectRatios: ["16:9", "9:16"],
    durations: { "720p": [6, 8] },
    audio: false,
    maxSamples: 4,
    promptRewriter: true,
  },
} as const satisfies Record<string, ModelCapabilities>;

export type VideoModelId = keyof typeof VIDEO_MODELS;

/** The production model: Veo 3.1 Fast, GA. */
export const DEFAULT_VIDEO_MODEL: VideoModelId = "veo-3.1-fast-generate-001";

/** The GA model each tier runs on unless configuration says otherwise (config/params.ts). */
export const DEFAULT_MODEL_IDS: Record<ModelChoice, VideoModelId> = {
  standard: "veo-3.1-generate-001",
  fast: DEFAULT_VIDEO_MODEL,
  lite: "veo-3.1-lite-generate-001",
};

export function capabilitiesOf(modelId: string): ModelCapabilities | undefined {
  return Object.hasOwn(VIDEO_MODELS, modelId)
    ? (VIDEO_MODELS as Record<string, ModelCapabilities>)[modelId]
    : undefined;
}

export interface RequestedVideo {
  aspectRatio: AspectRatio;
  duration: Duration;
  resolution: Resolution;
  generateAudio: boolean;
  sampleCount?: number;
  enhancePrompt?: boolean;
}

/**
 * The input fields the model cannot honour together, for `invalid-argument` with
 * `details.fields`; empty when the model accepts the request.
 */
export function unsupportedFields(model: ModelCapabilities, request: RequestedVideo): string[] {
  const fields: string[] = [];
  if (!model.aspectRatios.includes(request.aspectRatio)) fields.push("aspectRatio");
  const durations = model.durations[request.resolution];
  if (!durations) fields.push("resolution");
  else if (!durations.includes(request.duration)) fields.push("duration");
  if (request.generateAudio && !model.audio) fields.push("generateAudio");
  if ((request.sampleCount ?? 1) > model.maxSamples) fields.push("sampleCount");
  if (request.enhancePrompt !== undefined && !model.promptRewriter) fields.push("enhancePrompt");
  return fields;
}
