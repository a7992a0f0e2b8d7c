/**
 * A new creation, the model request it carries, and where its video goes. The document type
 * itself is part of the contract (contract/creation.ts).
 */
import {
  DEFAULT_MODEL,
  type Creation,
  type CreationMedia,
  type GenerateVideoRequest,
  type MediaUrlResult,
} from "../contract";
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
    sampleCount: request.sampleCount,
    // The cost is pricePerVideo × sampleCount (domain/pricing.ts), so this division is exact.
    pricePerVideo: cost / request.sampleCount,
    ...(request.enhancePrompt !== undefined ? { enhancePrompt: request.enhancePrompt } : {}),
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
    sampleCount: videosAskedOf(creation),
    ...(creation.enhancePrompt !== undefined ? { enhancePrompt: creation.enhancePrompt } : {}),
  };
}

/** Videos a creation asked for (documents older than sampleCount asked for one). */
export function videosAskedOf(creation: Pick<Creation, "sampleCount">): number {
  return creation.sampleCount ?? 1;
}

/** What one of its videos costs (older documents: the whole cost, for their one video). */
export function pricePerVideoOf(creation: Pick<Creation, "pricePerVideo" | "cost">): number {
  return creation.pricePerVideo ?? creation.cost;
}

/** R2 key of a creation's video; the first keeps the single-video name. */
export function mediaPathOf(userId: string, creationId: string, index = 0): string {
  return `videos/${userId}/${creationId}${index === 0 ? "" : `-${index}`}.mp4`;
}

/** A creation's delivered videos (older documents: the one at `mediaPath`). */
export function mediaOf(
  creation: Pick<Creation, "media" | "mediaPath" | "mediaUrl" | "seed">,
): CreationMedia[] {
  if (creation.media?.length) return creation.media;
  return creation.mediaPath
    ? [{ index: 0, path: creation.mediaPath, url: creation.mediaUrl, seed: creation.seed }]
    : [];
}

/** The videos with each key's link (presigned or public) taken from `links`. */
export function linkedMedia(
  media: readonly CreationMedia[],
  links: ReadonlyMap<string, string>,
): CreationMedia[] {
  return media.map((m) => ({
    ...m,
    url: links.get(m.path) ?? m.url,
    ...(m.posterPath ? { posterUrl: links.get(m.posterPath) ?? null } : {}),
    ...(m.spritePath ? { spriteUrl: links.get(m.spritePath) ?? null } : {}),
  }));
}

/** What getMediaUrl answers for each video. */
export function mediaLinks(media: readonly CreationMedia[]): MediaUrlResult["media"] {
  return media.map((m) => ({
    index: m.index,
    mediaUrl: m.url ?? "",
    posterUrl: m.posterUrl ?? null,
    spriteUrl: m.spriteUrl ?? null,
  }));
}

/**
 * Every R2 key a creation's delivered videos occupy, posters and spritesheets included (older
 * documents: `mediaPath`). Publish copies them all, delete removes them all.
 */
export function mediaPathsOf(creation: Pick<Creation, "media" | "mediaPath">): string[] {
  if (!creation.media?.length) return creation.mediaPath ? [creation.mediaPath] : [];
  return creation.media.flatMap((m) =>
    [m.path, m.posterPath, m.spritePath].filter((key): key is string => !!key),
  );
}

/** What the parameters of a request are, for the idempotency fingerprint. */
export function fingerprintFields(request: GenerateVideoRequest): Record<string, unknown> {
  const { requestId: _ignored, model, sampleCount, ...rest } = request;
  // Defaults of fields added later are left out, so a replay of a request sent before they
  // existed still matches its creation.
  return {
    ...rest,
    ...(model === DEFAULT_MODEL ? {} : { model }),
    ...(sampleCount === 1 ? {} : { sampleCount }),
  };
}
