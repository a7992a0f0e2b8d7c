/**
 * The contract's refusals as sentences a person can act on, each placed where it belongs:
 * next to the offending field, next to the cost, or under the submit button. Pure: the
 * view only puts the text where `slot` says.
 */
import {
  errorCode,
  isIdempotencyKeyReused,
  isInsufficientTokens,
  isInvalidArgument,
  isNotFound,
  isTooManyActiveJobs,
  isUnauthenticated,
  isWrongState,
  type GenerateVideoInput,
} from "../../client";

/** Fields of generateVideo, plus the places a refusal about the whole request goes. */
export type Slot = keyof GenerateVideoInput | "cost" | "form";

export interface Refusal {
  slot: Slot;
  text: string;
}

/** One per contract field: a field added to the contract fails to compile here until worded. */
const FIELD_MESSAGES: Record<keyof GenerateVideoInput, string> = {
  prompt: "Describe the video in 1 to 2000 characters of plain text.",
  negativePrompt: "Leave it empty, or write at most 1000 characters of plain text.",
  aspectRatio: "Choose 9:16 (portrait) or 16:9 (landscape).",
  duration: "Choose 4, 6 or 8 seconds.",
  resolution: "Choose 720p or 1080p.",
  generateAudio: "Audio is either on or off.",
  seed: "Leave it empty, or enter a whole number from 0 to 4294967295.",
  requestId: "The request id must be 8 to 128 letters, digits, _ or -.",
  image: "This image cannot be used: pick a JPEG, PNG or WebP of yours (up to 8 MiB).",
  lastFrame: "A last frame needs a first image too, and a model that takes one.",
  referenceImages: "Up to 3 reference images, for an 8 s video, without a first image.",
  extend: "Only your own draft or published 720p video can be continued.",
  model: "Choose Standard, Fast or Lite.",
  sampleCount: "Choose 1 to 4 videos; each is charged, and refunded if it is not delivered.",
  enhancePrompt: "This model cannot rewrite prompts: untick “Enhance my prompt”.",
};

const isField = (name: string): name is keyof typeof FIELD_MESSAGES => name in FIELD_MESSAGES;

/** What generateVideo's refusal means for the person filling the form. */
export function submitRefusals(err: unknown): Refusal[] {
  if (isInvalidArgument(err)) {
    const fields = err.details.fields.filter(isField);
    if (fields.length) return fields.map((field) => ({ slot: field, text: FIELD_MESSAGES[field] }));
    return [{ slot: "form", text: "The request was not accepted; check the form." }];
  }
  if (isInsufficientTokens(err)) {
    const { required, balance } = err.details;
    return [
      {
        slot: "cost",
        text: `This video costs ${tokens(required)}; you have ${tokens(balance)}. Choose a shorter or smaller video.`,
      },
    ];
  }
  if (isTooManyActiveJobs(err)) {
    return [
      {
        slot: "form",
        text: "You already have as many videos in progress as allowed. Wait for one to finish, then try again.",
      },
    ];
  }
  if (errorCode(err) === "resource-exhausted") {
    // The backlog is longer than the service can start in time (reason "queue-full").
    const retry = (err as { details?: { retryAfterSeconds?: unknown } }).details?.retryAfterSeconds;
    const when = typeof retry === "number" ? `in about ${waitText(retry)}` : "in a few minutes";
    return [{ slot: "form", text: `Too many videos are waiting right now. Try again ${when}.` }];
  }
  if (isIdempotencyKeyReused(err)) {
    return [
      { slot: "form", text: "This request was already sent with other settings. Submit again." },
    ];
  }
  return [{ slot: "form", text: actionMessage(err) }];
}

/** Refusals of publish, cancel and delete, and anything unexpected. */
export function actionMessage(err: unknown): string {
  if (isUnauthenticated(err)) return "Your session has ended. Sign in again.";
  if (isWrongState(err)) return `Not possible while the video is ${err.details.status}.`;
  if (isNotFound(err)) return "This video no longer exists.";
  const code = errorCode(err);
  if (code === "unavailable" || code === "deadline-exceeded")
    return "The service could not be reached. Check your connection and try again.";
  return "Something went wrong on our side. Try again in a moment.";
}

const AUTH_MESSAGES: Record<string, string> = {
  "auth/email-already-in-use": "An account with this email exists already. Sign in instead.",
  "auth/invalid-email": "Enter a valid email address.",
  "auth/weak-password": "Choose a password of at least 6 characters.",
  "auth/missing-password": "Enter your password.",
  "auth/invalid-credential": "Email or password is wrong.",
  "auth/user-not-found": "Email or password is wrong.",
  "auth/wrong-password": "Email or password is wrong.",
  "auth/too-many-requests": "Too many attempts. Wait a minute, then try again.",
  "auth/network-request-failed": "The sign-in service could not be reached.",
};

export function authMessage(err: unknown): string {
  return AUTH_MESSAGES[errorCode(err) ?? ""] ?? "Signing in did not work. Try again.";
}

function waitText(seconds: number): string {
  return seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
}

export function tokens(n: number): string {
  return `${n} token${n === 1 ? "" : "s"}`;
}
