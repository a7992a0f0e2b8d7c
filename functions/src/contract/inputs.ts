/**
 * Visual inputs of `generateVideo` (image-to-video, first and last frame, reference images,
 * extending a clip) and the `createUpload` callable that brings an image into R2. Every limit
 * a client needs to check before uploading is declared here once.
 */
import { z } from "zod";

/** Image types the worker accepts (checked again on the real bytes, by magic number). */
export const UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];
/** Largest upload: sent to Veo inline (base64), so it stays well below Vertex AI's request limit. */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
/** Smallest and largest side of an input image, in pixels. */
export const MIN_IMAGE_SIDE = 64;
export const MAX_IMAGE_SIDE = 8192;
/** Unused uploads a user may hold at once (each expires after UPLOAD_TTL_SECONDS). */
export const MAX_PENDING_UPLOADS = 10;
/** Lifetime of the presigned PUT link. */
export const UPLOAD_URL_TTL_SECONDS = 600;
/** An upload can be used for this long; then it is removed (R2 lifecycle and the sweeper). */
export const UPLOAD_TTL_SECONDS = 24 * 3600;
/** Up to three reference images (Veo 3.1: asset images). */
export const MAX_REFERENCE_IMAGES = 3;
export const REFERENCE_TYPES = ["asset", "style"] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];
export const FRAMES = ["first", "last"] as const;
/** What an extension adds (Veo 3.1 and Veo 2 continue a clip by 7 s); it is priced for these. */
export const EXTENSION_SECONDS = 7;

export const UPLOAD_ID_PATTERN = /^up_[A-Za-z0-9]{20,40}$/;
const creationId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a creation id");
const uploadId = z.string().regex(UPLOAD_ID_PATTERN, "must be an upload id from createUpload");

/** An image: an upload of the caller's, or the first or last frame of one of their videos. */
export const imageSource = z.union([
  uploadId,
  z.strictObject({ creationId, frame: z.enum(FRAMES) }),
]);
export type ImageSource = z.output<typeof imageSource>;

export const referenceImageInput = z.strictObject({
  image: imageSource,
  referenceType: z.enum(REFERENCE_TYPES).default("asset"),
});

/** Fields added to `generateVideoInput` (contract/index.ts spreads them in). */
export const visualInputFields = {
  /** Image-to-video: the first frame. */
  image: imageSource.optional(),
  /** Interpolation: the last frame (needs `image`). */
  lastFrame: imageSource.optional(),
  referenceImages: z
    .array(referenceImageInput)
    .min(1, "must hold at least one image")
    .max(MAX_REFERENCE_IMAGES, `must hold at most ${MAX_REFERENCE_IMAGES} images`)
    .optional(),
  /** Continue one of the caller's own draft or published videos. */
  extend: z.strictObject({ creationId }).optional(),
};

/** The visual inputs of a parsed request (all optional). */
export interface VisualInputs {
  image?: ImageSource;
  lastFrame?: ImageSource;
  referenceImages?: { image: ImageSource; referenceType: ReferenceType }[];
  extend?: { creationId: string };
}

export const createUploadInput = z.strictObject({
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  /** Exact size in bytes; the presigned PUT only accepts a body of this length. */
  size: z.number().int().min(1).max(MAX_UPLOAD_BYTES, `must be at most ${MAX_UPLOAD_BYTES} bytes`),
});
export type CreateUploadInput = z.input<typeof createUploadInput>;
export interface CreateUploadResult {
  uploadId: string;
  /** PUT the bytes here with exactly these headers before `expiresAt`. */
  uploadUrl: string;
  headers: { "content-type": UploadContentType; "content-length": string };
  /** ISO 8601: end of the PUT link. */
  expiresAt: string;
  /** ISO 8601: after this the upload is removed and can no longer be used. */
  usableUntil: string;
}

/** `details.reason` of createUpload's refusal (`resource-exhausted`). */
export const UploadErrorReason = { tooManyUploads: "too-many-uploads" } as const;

/**
 * `details.rules` of an `invalid-argument` refusal of a visual input: which field broke
 * which rule (the field is also listed in `details.fields`).
 */
export interface InputRuleViolation {
  field: string;
  rule: string;
  message: string;
}

/** Recorded on the creation: which inputs it was made from (`creations/{id}.inputs`). */
export interface CreationInputs {
  image?: StoredImage;
  lastFrame?: StoredImage;
  referenceImages?: (StoredImage & { referenceType: ReferenceType })[];
  extend?: { creationId: string; mediaPath: string; addedSeconds: number };
}
export type StoredImage =
  | { kind: "upload"; uploadId: string; key: string; contentType: UploadContentType; size: number }
  | { kind: "frame"; creationId: string; mediaPath: string; frame: (typeof FRAMES)[number] };
