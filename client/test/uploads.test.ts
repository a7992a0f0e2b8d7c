import { expect } from "chai";
import type { Functions } from "firebase/functions";
import { ClientValidationError, isInvalidArgument } from "../errors";
import { createUpload, uploadImage } from "../uploads";
import { previewCost } from "../pricing";
import { MAX_UPLOAD_BYTES } from "../../functions/src/contract";

// Validation runs before any call, so no Functions instance (and no network) is needed.
const noFunctions = {} as Functions;
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a refusal"),
    (e: unknown) => e,
  );

describe("client uploads: checked with the contract's limits before any call", function () {
  it("refuses a type other than JPEG, PNG or WebP, naming the field", async function () {
    const gif = new Blob([new Uint8Array(10)], { type: "image/gif" });
    const err = await refusal(uploadImage(noFunctions, gif));
    expect(err).to.be.instanceOf(ClientValidationError);
    expect(isInvalidArgument(err) && err.details.fields).to.deep.equal(["contentType"]);
  });

  it("refuses an image above the size cap and an empty one", async function () {
    const big = await refusal(
      createUpload(noFunctions, { contentType: "image/png", size: MAX_UPLOAD_BYTES + 1 }),
    );
    expect(isInvalidArgument(big) && big.details.fields).to.deep.equal(["size"]);
    const empty = await refusal(uploadImage(noFunctions, new Uint8Array(0), "image/png"));
    expect(isInvalidArgument(empty) && empty.details.fields).to.deep.equal(["size"]);
  });

  it("previews an extension at the seconds it adds and image inputs like text", function () {
    expect(previewCost({ extend: { creationId: "c1" } })?.cost).to.equal(9);
    expect(previewCost({ image: `up_${"a".repeat(28)}` })?.cost).to.equal(previewCost({})?.cost);
  });
});
