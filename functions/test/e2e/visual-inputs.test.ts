// Visual inputs through the real emulators: createUpload over the callable protocol, the PUT to
// the S3 server, generateVideo with the upload, the Cloud Tasks worker, the local model; and the
// hostile cases an app could send (forged ids, someone else's upload, a file that lies).
import { expect } from "chai";
import { callFunction, type CallableError } from "../../../test-harness/callable";
import {
  balanceOf,
  endState,
  ledgerOf,
  signedUpUser,
  storedObject,
  submit,
} from "../../../test-harness/pipeline";
import type { TestUser } from "../../../test-harness/emulators";
import type { CreateUploadResult, UploadContentType } from "../../src/contract";
import { probeMp4 } from "../helpers/mp4";
import { colourDistance, frameColour, solidImage } from "../helpers/images";

async function upload(user: TestUser, type: UploadContentType, body: Buffer): Promise<string> {
  const { result } = await callFunction<CreateUploadResult>(
    "createUpload",
    { contentType: type, size: body.length },
    user.idToken,
  );
  const put = await fetch(result.uploadUrl, {
    method: "PUT",
    headers: { "content-type": type },
    body: new Uint8Array(body),
  });
  expect(put.status).to.equal(200);
  return result.uploadId;
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a refusal"),
    (e: unknown) => e as CallableError,
  );

describe("e2e: visual inputs (createUpload → generateVideo → worker → R2)", function () {
  this.timeout(180_000);

  it("animates an uploaded image: the video starts with it; extending it adds 7 s", async () => {
    const user = await signedUpUser();
    const image = await upload(user, "image/png", solidImage("image/png", "red", 720, 1280));
    const first = await submit(user, { prompt: "a red wall", image, duration: 4 });
    const done = await endState(first.creationId);
    expect(done.get("status")).to.equal("draft");
    const mp4 = await storedObject(done.get("mediaPath") as string);
    expect(colourDistance(frameColour(mp4, "first"), [255, 0, 0])).to.be.below(40);

    const extended = await submit(user, {
      prompt: "the wall keeps going",
      extend: { creationId: first.creationId },
    });
    expect(extended.cost).to.equal(9);
    const longer = await endState(extended.creationId);
    expect(longer.get("status")).to.equal("draft");
    const video = probeMp4(await storedObject(longer.get("mediaPath") as string));
    expect(video.durationSeconds).to.be.closeTo(11, 0.3);
    expect(await balanceOf(user.uid)).to.equal(100 - 5 - 9);
  });

  it("refuses forged ids and another user's upload or video before any charge", async () => {
    const [alice, bob] = await Promise.all([signedUpUser(), signedUpUser()]);
    const bobsImage = await upload(bob, "image/jpeg", solidImage("image/jpeg", "blue"));
    const bobsVideo = await submit(bob, { prompt: "bob's", image: bobsImage, duration: 4 });
    await endState(bobsVideo.creationId);
    const attempts: Record<string, unknown>[] = [
      { image: bobsImage },
      { image: `up_${"Z".repeat(28)}` },
      { image: { creationId: bobsVideo.creationId, frame: "last" } },
      { extend: { creationId: bobsVideo.creationId } },
      { referenceImages: [{ image: bobsImage }] },
    ];
    for (const attempt of attempts) {
      const err = await refusal(
        callFunction("generateVideo", { prompt: "x", ...attempt }, alice.idToken),
      );
      expect(err.code, JSON.stringify(attempt)).to.equal("invalid-argument");
      const details = err.details as { rules: { rule: string }[] };
      expect(details.rules.map((r) => r.rule)).to.deep.equal(["not-found"]);
    }
    expect(await balanceOf(alice.uid)).to.equal(100);
    expect((await ledgerOf(alice.uid)).filter((e) => e.type !== "grant")).to.deep.equal([]);
  });

  it("a file that is not the image it claims ends failed, refunded once, with a clear message", async () => {
    const user = await signedUpUser();
    const image = await upload(user, "image/png", Buffer.from("GIF89a not really a png"));
    const { creationId } = await submit(user, { prompt: "x", image, duration: 4 });
    const done = await endState(creationId);
    expect(done.data()).to.include({ status: "failed", refunded: true });
    expect(done.get("error")).to.equal(
      "The image could not be used: the file is not a JPEG, PNG or WebP image. Your tokens were refunded.",
    );
    expect(await balanceOf(user.uid)).to.equal(100);
    expect((await ledgerOf(user.uid)).filter((e) => e.type === "refund")).to.have.length(1);
  });

  it("refuses other content types and oversized declarations at createUpload", async () => {
    const user = await signedUpUser();
    const gif = await refusal(
      callFunction("createUpload", { contentType: "image/gif", size: 100 }, user.idToken),
    );
    expect(gif.code).to.equal("invalid-argument");
    const huge = await refusal(
      callFunction("createUpload", { contentType: "image/png", size: 9e6 }, user.idToken),
    );
    expect((huge.details as { fields: string[] }).fields).to.deep.equal(["size"]);
    const anonymous = await refusal(
      callFunction("createUpload", { contentType: "image/png", size: 100 }),
    );
    expect(anonymous.code).to.equal("unauthenticated");
  });
});
