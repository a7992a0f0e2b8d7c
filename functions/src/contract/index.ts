/**
 * The public contract of the callable functions: input schemas, result types, error reasons,
 * the creation statuses and the creation document. One source of truth for the functions and
 * for app clients (client/ imports it, and nothing else of the functions). Depends on zod only.
 */
import { z } from "zod";
import { visualInputFields } from "./inputs";

export const ASPECT_RATIOS = ["16:9", "9:16"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export const DURATIONS = [4, 6, 8] as const;
export type Duration = (typeof DURATIONS)[number];
export const RESOLUTIONS = ["720p", "1080p"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
/**
 * The Veo model tiers a user picks from (`model`); configuration maps each to a GA Vertex AI
 * model id. The price and what can be asked for depend on the tier.
 */
export const MODEL_CHOICES = ["standard", "fast", "lite"] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];
/** Videos one request may ask for (Veo on Vertex AI returns up to 4 per request). */
export const MAX_SAMPLE_COUNT = 4;
/** The tier a request without `model` gets: Veo 3.1 Fast, the production model before tiers. */
export const DEFAULT_MODEL: ModelChoice = "fast";

/**
 * Why the model's safety filters withheld a video, in words a user can act on. `unknown` when
 * the model gave no code we know (the raw code is kept for operators, never shown).
 */
export const FILTER_CATEGORIES = [
  "minors",
  "real-people",
  "sexual",
  "violence",
  "hate",
  "third-party",
  "safety",
  "unknown",
] as const;
export type FilterCategory = (typeof FILTER_CATEGORIES)[number];

/** Work still to do: a creation in one of these has not ended. */
export const ACTIVE_STATUSES = ["pending", "processing"] as const;
/** The ends: a creation never leaves them, except draft -> published (and deletion). */
export const END_STATUSES = ["draft", "published", "failed", "cancelled"] as const;
export const CREATION_STATUSES = [...ACTIVE_STATUSES, ...END_STATUSES] as const;
export type CreationStatus = (typeof CREATION_STATUSES)[number];
export type ActiveStatus = (typeof ACTIVE_STATUSES)[number];
export type EndStatus = (typeof END_STATUSES)[number];

export function isEndStatus(status: CreationStatus): status is EndStatus {
  return (END_STATUSES as readonly string[]).includes(status);
}

export type {
  Creation,
  CreationMedia,
  CreationMediaOp,
  SpriteGrid,
  UndeliveredVideo,
} from "./creation";
export * from "./inputs";

/** Lone surrogates and control characters (other than tab and newlines) are not text. */
function isCleanText(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return value.isWellFormed() && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value);
}

const cleanText = (max: number) =>
  z
    .string()
    .refine(isCleanText, "must be well-formed text without control characters")
    .transform((value) => value.trim())
    .pipe(z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`));

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Idempotency keys (generateVideo's requestId, grantTokens' grantId). */
const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,128}$/, "must be 8-128 characters of A-Z a-z 0-9 _ -");

export const generateVideoInput = z.strictObject({
  prompt: cleanText(2000),
  aspectRatio: z.enum(ASPECT_RATIOS).default("9:16"),
  duration: z.literal(DURATIONS).default(8),
  resolution: z.enum(RESOLUTIONS).default("720p"),
  generateAudio: z.boolean().default(false),
  negativePrompt: cleanText(1000).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  requestId: idempotencyKey.optional(),
  ...visualInputFields,
  model: z.enum(MODEL_CHOICES).default(DEFAULT_MODEL),
  /** Videos to generate in one request, each charged; undelivered ones are refunded one by one. */
  sampleCount: z.number().int().min(1).max(MAX_SAMPLE_COUNT).default(1),
  /** The model's prompt rewriter on or off; absent: the model's own default. Free either way. */
  enhancePrompt: z.boolean().optional(),
});
export type GenerateVideoInput = z.input<typeof generateVideoInput>;
export type GenerateVideoRequest = z.output<typeof generateVideoInput>;
export interface GenerateVideoResult {
  creationId: string;
  /** "pending" for a new submission; a replay answers the creation's current status. */
  status: CreationStatus;
  cost: number;
  balance: number;
}

/**
 * `publicCreations/{id}`: what any signed-in user sees of a published creation (the feed).
 * `publishedAt` is a Firestore timestamp; its type depends on the SDK that reads it.
 */
export interface PublicCreation<Time = unknown> {
  creationId: string;
  mediaUrl: string;
  posterUrl: string | null;
  prompt: string;
  aspectRatio: (typeof ASPECT_RATIOS)[number];
  duration: (typeof DURATIONS)[number];
  /** The creator's display name at publish time, if they have one. */
  creatorName: string | null;
  publishedAt: Time;
}

export const creationRefInput = z.strictObject({
  creationId: z.string().regex(ID_PATTERN, "must be a creation id"),
});
export type CreationRefInput = z.input<typeof creationRefInput>;

export interface PublishCreationResult {
  creationId: string;
  status: "published";
  mediaUrl: string;
}
export interface CancelCreationResult {
  creationId: string;
  status: "cancelled";
  refunded: true;
}
export interface DeleteCreationResult {
  creationId: string;
  deleted: true;
}
export interface MediaUrlResult {
  /** The first video's link. */
  mediaUrl: string;
  /** ISO 8601; null for published media (the public URL does not expire). */
  expiresAt: string | null;
  /** A link to every delivered video, by its index in the request, with its poster and spritesheet. */
  media: Array<{
    index: number;
    mediaUrl: string;
    posterUrl: string | null;
    spriteUrl: string | null;
  }>;
}

export const grantTokensInput = z.strictObject({
  userId: z.string().regex(ID_PATTERN, "must be a user id"),
  amount: z.number().int().min(1).max(1_000_000),
  reason: cleanText(200),
  /** Idempotency key: a retried grant with the same id adds nothing the second time. */
  grantId: idempotencyKey,
});
export type GrantTokensInput = z.input<typeof grantTokensInput>;
export interface GrantTokensResult {
  userId: string;
  balance: number;
  /** True when this grantId had already been applied (nothing was added this time). */
  replayed: boolean;
}

/** `claimWelcomeGrant` takes no input (an empty object at most). */
export const claimWelcomeGrantInput = z.union([z.null(), z.undefined(), z.strictObject({})]);
export interface ClaimWelcomeGrantResult {
  granted: boolean;
  balance: number;
  /** Why nothing was granted this time. */
  reason?: "already-granted" | "anonymous" | "email-not-verified" | "disabled" | "budget-exhausted";
}

/** `details.reason` values clients branch on. */
export const ErrorReason = {
  insufficientTokens: "insufficient-tokens",
  tooManyActiveJobs: "too-many-active-jobs",
  idempotencyKeyReused: "idempotency-key-reused",
  wrongState: "wrong-state",
  /** The deployment lacks a production setting: nothing was charged (`failed-precondition`). */
  serviceNotConfigured: "service-not-configured",
  /**
   * The start queue holds more jobs than the model's quota can start before the hard limit
   * (`resource-exhausted`, `details.retryAfterSeconds`); nothing was charged.
   */
  queueFull: "queue-full",
} as const;
export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason];

/** Turns a zod error into the `details.fields` list of an `invalid-argument` error. */
export function invalidFields(error: z.ZodError): string[] {
  const fields = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") issue.keys.forEach((key) => fields.add(key));
    else fields.add(issue.path.length ? issue.path.map(String).join(".") : "(root)");
  }
  return [...fields];
}
