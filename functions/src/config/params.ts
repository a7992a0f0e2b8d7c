/**
 * Every deploy-time setting, declared once with a description and a default. Production
 * values are the defaults; the local stack overrides them in `functions/.env.demo-phoenix`.
 */
import { defineBoolean, defineInt, defineSecret, defineString } from "firebase-functions/params";
import type { ModelChoice } from "../contract";
import { DEFAULT_MODEL_IDS, DEFAULT_VIDEO_MODEL, VIDEO_MODELS } from "../domain/video-capabilities";
import { RUNTIME_SERVICE_ACCOUNT_ID } from "./deployment";
import { PRODUCTION_SECONDS } from "./production";

// --- Identity (Terraform creates the account and outputs this param under the same name) ---
export const runtimeServiceAccount = defineString("RUNTIME_SERVICE_ACCOUNT", {
  default: `${RUNTIME_SERVICE_ACCOUNT_ID}@`,
  description:
    "Runtime service account of every function (Terraform output functions_params.RUNTIME_SERVICE_ACCOUNT). 'name@' means name@<project>.iam.gserviceaccount.com.",
});

// --- Token economy ---
export const welcomeTokens = defineInt("WELCOME_TOKENS", {
  default: 100,
  description: "Tokens granted once to every new user the welcome policy admits (0: no grant).",
});
export const welcomeRequireVerifiedEmail = defineBoolean("WELCOME_REQUIRE_VERIFIED_EMAIL", {
  default: true,
  description:
    "Email accounts get the welcome grant only once their address is verified (claimWelcomeGrant after verifying).",
});
export const welcomeTrustedProviders = defineString("WELCOME_TRUSTED_PROVIDERS", {
  default: "google.com,apple.com",
  description:
    "Comma-separated sign-in providers that verify addresses themselves: their accounts get the grant at sign-up.",
});
export const welcomeDailyBudgetTokens = defineInt("WELCOME_DAILY_BUDGET_TOKENS", {
  default: 100_000,
  description:
    "Welcome tokens all sign-ups of one UTC day may receive together; past it sign-ups get none (logged).",
});
export const maxActiveCreations = defineInt("MAX_ACTIVE_CREATIONS", {
  default: 3,
  description: "Unfinished (pending or processing) creations a user may have at once.",
});
export const enforceAppCheck = defineBoolean("ENFORCE_APP_CHECK", {
  default: true,
  description:
    "Reject callable requests without a valid App Check token. Not applied in the emulator, which has no App Check; set false to turn it off in production.",
});

// --- Task queues (the plan's schedule: 4 attempts, backoff 60 s -> 120 s -> 240 s) ---
export const taskMaxAttempts = defineInt("TASK_MAX_ATTEMPTS", {
  default: 4,
  description: "Attempts per worker task before the creation is refunded and failed.",
});
export const taskMinBackoffSeconds = defineInt("TASK_MIN_BACKOFF_SECONDS", {
  default: PRODUCTION_SECONDS.TASK_MIN_BACKOFF_SECONDS,
  description: "First retry delay of a failed worker task; doubles per attempt.",
});
export const taskMaxBackoffSeconds = defineInt("TASK_MAX_BACKOFF_SECONDS", {
  default: PRODUCTION_SECONDS.TASK_MAX_BACKOFF_SECONDS,
  description: "Longest retry delay of a failed worker task.",
});
/** The start rate when VEO_STARTS_PER_MINUTE is not set: the default model's quota. */
export const DEFAULT_STARTS_PER_MINUTE = VIDEO_MODELS[DEFAULT_VIDEO_MODEL].startsPerMinute;
export const veoStartsPerMinute = defineInt("VEO_STARTS_PER_MINUTE", {
  default: DEFAULT_STARTS_PER_MINUTE,
  description:
    "Generation starts per minute (the start queue's dispatch rate): at most the model's Vertex AI quota per project (Veo 3.1 GA: 50, preview and Veo 3.0/2.0 models: 10). Checked against every tier's model (VEO_MODEL_STANDARD, VEO_MODEL_FAST, VEO_MODEL_LITE) at run time: the tiers share the start queue.",
});
export const startMaxConcurrent = defineInt("START_MAX_CONCURRENT", {
  default: 10,
  description: "Generation starts running at once.",
});
export const pollIntervalSeconds = defineInt("POLL_INTERVAL_SECONDS", {
  default: PRODUCTION_SECONDS.POLL_INTERVAL_SECONDS,
  description:
    "Delay between two looks at a running generation (the worker is not held meanwhile).",
});
export const leaseSeconds = defineInt("WORKER_LEASE_SECONDS", {
  default: PRODUCTION_SECONDS.WORKER_LEASE_SECONDS,
  description:
    "How long a worker step owns a creation without renewing it (a working step renews it every third of this); past it another delivery may take over. Keep it below TASK_MIN_BACKOFF_SECONDS, so a crashed step's retry finds it lapsed.",
});

// --- Sweeper ---
export const sweepStaleAfterSeconds = defineInt("SWEEP_STALE_AFTER_SECONDS", {
  default: PRODUCTION_SECONDS.SWEEP_STALE_AFTER_SECONDS,
  description:
    "An unfinished creation with no progress for this long (its task presumably lost) is re-enqueued by the sweeper.",
});
export const sweepHardLimitSeconds = defineInt("SWEEP_HARD_LIMIT_SECONDS", {
  default: PRODUCTION_SECONDS.SWEEP_HARD_LIMIT_SECONDS,
  description: "A creation unfinished after this long is refunded and failed by the sweeper.",
});
export const admissionFinishBudgetSeconds = defineInt("ADMISSION_FINISH_BUDGET_SECONDS", {
  default: PRODUCTION_SECONDS.ADMISSION_FINISH_BUDGET_SECONDS,
  description:
    "Time a started job needs to end (render, polls, a retry). Submissions are refused with resource-exhausted/queue-full while the pending backlog cannot start within SWEEP_HARD_LIMIT_SECONDS minus this.",
});

// --- Video model ---
export const vertexProject = defineString("VERTEX_PROJECT", {
  default: "",
  description:
    "Google Cloud project for Veo on Vertex AI. Required outside the emulator; empty in the emulator: the embedded local model renders videos.",
});
export const vertexLocation = defineString("VERTEX_LOCATION", {
  default: "us-central1",
  description: "Vertex AI location for Veo.",
});
// The GA Vertex AI model id behind each tier of the `model` input.
const veoModelParam = (choice: ModelChoice, name: string, what: string) =>
  defineString(name, {
    default: DEFAULT_MODEL_IDS[choice],
    description: `Veo model id of the '${choice}' tier (${what}): a GA id of domain/video-capabilities.ts (${Object.keys(VIDEO_MODELS).join(", ")}).`,
  });
export const veoModelStandard = veoModelParam("standard", "VEO_MODEL_STANDARD", "best quality");
export const veoModelFast = veoModelParam("fast", "VEO_MODEL_FAST", "the default tier");
export const veoModelLite = veoModelParam("lite", "VEO_MODEL_LITE", "the lowest price");
export const vertexApiEndpoint = defineString("VERTEX_API_ENDPOINT", {
  default: "",
  description: "Vertex AI base URL override (empty: https://{location}-aiplatform.googleapis.com).",
});
export const veoOutputUri = defineString("VEO_OUTPUT_URI", {
  default: "",
  description:
    "gs:// prefix where Veo writes videos before they move to R2 (a bucket with a 1-day lifecycle).",
});
export const localRenderSeconds = defineString("LOCAL_RENDER_SECONDS", {
  default: "",
  description:
    "Emulator only: how long the local model renders, 'MIN-MAX' production seconds (divided by TIME_SCALE); empty: 2 s.",
});
export const localModelDir = defineString("LOCAL_MODEL_DIR", {
  default: "",
  description: "State directory of the local model (empty: the OS temp directory).",
});

// --- Cloudflare R2 (S3 API) ---
export const r2Endpoint = defineString("R2_ENDPOINT", {
  description: "R2 S3 endpoint, https://<account>.r2.cloudflarestorage.com.",
});
export const r2Bucket = defineString("R2_BUCKET", {
  default: "phoenix-media",
  description: "Private R2 bucket for drafts.",
});
export const r2PublicBucket = defineString("R2_PUBLIC_BUCKET", {
  default: "phoenix-media-public",
  description: "R2 bucket served on the public custom domain; published media is copied here.",
});
export const r2PublicUrl = defineString("R2_PUBLIC_URL", {
  description: "Public base URL of the published-media bucket (custom domain).",
});
export const mediaUrlTtlSeconds = defineInt("MEDIA_URL_TTL_SECONDS", {
  default: 86400,
  description: "Lifetime of presigned draft links (at most 604800, R2's limit).",
});
export const r2AccessKeyId = defineSecret("R2_ACCESS_KEY_ID");
export const r2SecretAccessKey = defineSecret("R2_SECRET_ACCESS_KEY");
