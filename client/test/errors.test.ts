import { expect } from "chai";
import { FunctionsError } from "firebase/functions";
import {
  ClientValidationError,
  errorCode,
  isIdempotencyKeyReused,
  isInsufficientTokens,
  isInvalidArgument,
  isNotFound,
  isTooManyActiveJobs,
  isUnauthenticated,
  isWrongState,
} from "../errors";

// FunctionsError's constructor is public API in the SDK's typings but marked internal;
// build one the way the SDK does when it decodes a callable error.
const sdkError = (code: string, details?: unknown) =>
  new FunctionsError(code as ConstructorParameters<typeof FunctionsError>[0], "message", details);

describe("client errors", function () {
  it("reads the code of a FunctionsError (functions/<code>) and of a bare code", function () {
    expect(sdkError("invalid-argument").code).to.equal("functions/invalid-argument");
    expect(errorCode(sdkError("invalid-argument"))).to.equal("invalid-argument");
    expect(errorCode({ code: "not-found" })).to.equal("not-found");
    expect(errorCode(new Error("x"))).to.equal(undefined);
    expect(errorCode(null)).to.equal(undefined);
    expect(errorCode("internal")).to.equal(undefined);
  });

  it("recognises insufficient tokens and exposes required and balance", function () {
    const err: unknown = sdkError("failed-precondition", {
      reason: "insufficient-tokens",
      required: 15,
      balance: 4,
    });
    expect(isInsufficientTokens(err)).to.equal(true);
    if (!isInsufficientTokens(err)) throw new Error("unreachable");
    expect(err.details).to.deep.include({ required: 15, balance: 4 });
    expect(isIdempotencyKeyReused(err)).to.equal(false);
    expect(isWrongState(err)).to.equal(false);
  });

  it("tells the failed-precondition reasons apart", function () {
    expect(
      isIdempotencyKeyReused(sdkError("failed-precondition", { reason: "idempotency-key-reused" })),
    ).to.equal(true);
    expect(
      isWrongState(sdkError("failed-precondition", { reason: "wrong-state", status: "failed" })),
    ).to.equal(true);
    expect(isInsufficientTokens(sdkError("failed-precondition"))).to.equal(false);
    // The reason alone is not enough: the code must match too.
    expect(isInsufficientTokens(sdkError("internal", { reason: "insufficient-tokens" }))).to.equal(
      false,
    );
  });

  it("recognises too many active jobs only with resource-exhausted", function () {
    expect(
      isTooManyActiveJobs(sdkError("resource-exhausted", { reason: "too-many-active-jobs" })),
    ).to.equal(true);
    expect(
      isTooManyActiveJobs(sdkError("failed-precondition", { reason: "too-many-active-jobs" })),
    ).to.equal(false);
  });

  it("exposes the invalid fields, from the server and from client validation alike", function () {
    const server: unknown = sdkError("invalid-argument", { fields: ["duration", "prompt"] });
    expect(isInvalidArgument(server) && server.details.fields).to.deep.equal([
      "duration",
      "prompt",
    ]);
    const local: unknown = new ClientValidationError({ fields: ["prompt"] });
    expect(isInvalidArgument(local) && local.details.fields).to.deep.equal(["prompt"]);
    expect(isInvalidArgument(sdkError("invalid-argument"))).to.equal(false);
  });

  it("treats not-found and permission-denied alike, and knows unauthenticated", function () {
    expect(isNotFound(sdkError("not-found"))).to.equal(true);
    expect(isNotFound(sdkError("permission-denied"))).to.equal(true);
    expect(isUnauthenticated(sdkError("unauthenticated"))).to.equal(true);
    expect(isUnauthenticated(sdkError("internal"))).to.equal(false);
  });
});
