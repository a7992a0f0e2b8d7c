import { expect } from "chai";
import type { Functions } from "firebase/functions";
import { ClientValidationError, isInvalidArgument } from "../errors";
import { cancelCreation, generateVideo, validate } from "../callables";
import { generateVideoInput } from "../../functions/src/contract";

// Validation runs before any call, so no Functions instance (and no network) is needed.
const noFunctions = {} as Functions;

describe("client callables: validation with the shared schema", function () {
  it("applies the contract's defaults and trims the prompt", function () {
    expect(validate(generateVideoInput, { prompt: "  a red fox  " })).to.deep.equal({
      prompt: "a red fox",
      aspectRatio: "9:16",
      duration: 8,
      resolution: "720p",
      generateAudio: false,
      model: "fast",
    });
  });

  it("rejects bad input before calling, with the server's error shape", async function () {
    const err = await generateVideo(noFunctions, {
      prompt: " ",
      duration: 5 as 8,
      extra: 1,
    } as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ClientValidationError);
    expect(isInvalidArgument(err) && [...err.details.fields].sort()).to.deep.equal([
      "duration",
      "extra",
      "prompt",
    ]);
  });

  it("rejects (never throws synchronously) for a bad creation id", async function () {
    const pending = cancelCreation(noFunctions, { creationId: "../x" });
    expect(pending).to.be.instanceOf(Promise);
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isInvalidArgument(err) && err.details.fields).to.deep.equal(["creationId"]);
  });
});
