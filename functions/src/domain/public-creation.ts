/**
 * The public projection of a published creation (`publicCreations/{id}`): what a feed shows,
 * nothing internal (no errors, operation names, leases, refund fields or request ids).
 */
import type { PublicCreation } from "../contract";
import type { Creation } from "./creation";

export function publicProjection(
  creationId: string,
  creation: Pick<Creation, "prompt" | "aspectRatio" | "duration">,
  mediaUrl: string,
  creatorName: string | null,
  posterUrl: string | null = null,
): Omit<PublicCreation, "publishedAt"> {
  return {
    creationId,
    mediaUrl,
    posterUrl,
    prompt: creation.prompt,
    aspectRatio: creation.aspectRatio,
    duration: creation.duration,
    creatorName,
  };
}
