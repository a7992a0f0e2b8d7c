/**
 * Failure classes shared by every video model adapter, so the worker decides retry or
 * refund the same way whether Veo or the local model failed.
 */
export type FailureKind = "policy" | "invalid" | "transient";

export class ModelError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Machine-readable facts worth storing on the creation (reasons, support codes, HTTP status). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ModelError";
  }

  get permanent(): boolean {
    return this.kind !== "transient";
  }
}

/** What the user reads on a failed creation: friendly, no internals. */
export function userMessageFor(kind: FailureKind | "exhausted" | "stuck" | "cancelled"): string {
  switch (kind) {
    case "policy":
      return "This prompt was blocked by the content policy. Your tokens were refunded; try rewording it.";
    case "invalid":
      return "The video model rejected this request. Your tokens were refunded.";
    case "transient":
    case "exhausted":
      return "The video model was unavailable after several attempts. Your tokens were refunded.";
    case "stuck":
      return "The video took too long to generate. Your tokens were refunded.";
    case "cancelled":
      return "Cancelled. Your tokens were refunded.";
  }
}

/**
 * A visual input the worker cannot use (an upload that is not the image it claimed to be, a
 * source video that is gone): permanent, refunded, and the user is told which input and why.
 */
export class InputError extends ModelError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super("invalid", `${field}: ${problem}`, { field, problem, input: true });
    this.name = "InputError";
  }

  get userMessage(): string {
    return `The ${this.field} could not be used: ${this.problem}. Your tokens were refunded.`;
  }
}
