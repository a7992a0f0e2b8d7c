// Visual inputs through the real handlers in this process: createUpload's presigned PUT into
// the S3 server, generateVideo's checks on the stand-in, the worker's byte checks and the local
// model's ffmpeg renders (first frame, cross-fade, references, extension), hostile uploads.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import {
  callableRequest,
  setupLocalEnv,
  uniqueUid,
  withTaskRecorder,
} from "../../../test-harness/inprocess";
import type { TaskRecorder } from "../../../test-harness/task-recorder";

setupLocalEnv();
import { generateVideo } from "../../src/handlers/generate-video";
import { createUpload } from "../../src/handlers/create-upload";
import { loadInputs } from "../../src/handlers/worker-inputs";
import { sweepUploads } from "../../src/handlers/upload-sweeper";
import { getUpload, reserveUpload } from "../../src/adapters/upload-store";
import type { WorkerDeps } from "../../src/handlers/process-creation";
import type { VideoModel } from "../../src/domain/video-model";
import { LocalVideoModel } from "../../src/models/local-model";
import { grabFrame, toPng } from "../../src/models/local-render";
import {
  MAX_PENDING_UPLOADS,
  MAX_UPLOAD_BYTES,
  type CreateUploadResult,
  type UploadContentType,
} from "../../src/contract";
import { drain } from "../../../test-harness/dispatch";
import { balanceOf, db, ledgerOf, setBalance } from "../../../test-harness/firestore";
import { probeMp4 } from "../helpers/mp4";
import { localMediaStore } from "../helpers/media";
import { collect, counting } from "../helpers/model-fixtures";
import { colourDistance, frameColour, solidImage } from "../helpers/images";

const media = localMediaStore();
const settings = {
  leaseSeconds: 30,
  pollIntervalSeconds: 0,
  maxAttempts: 4,
  mediaUrlTtlSeconds: 3600,
};
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

type Failure = {
  code: string;
  details: { fields?: string[]; rules?: { field: string; rule: string }[]; reason?: string };
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a refusal"),
    (e: unknown) => e as Failure,
  );

async function upload(
  uid: string,
  contentType: UploadContentType,
  body: Buffer,
  size = body.length,
) {
  const result = await createUpload(callableRequest({ contentType, size }, uid), {
    media: () => Promise.resolve(media),
  });
  const put = await fetch(result.uploadUrl, {
    method: "PUT",
    headers: { "content-type": contentType },
    body: new Uint8Array(body),
  });
  expect(put.status, await put.text()).to.equal(200);
  return result;
}

describe("visual inputs (in process, stand-in, S3 server, local model)", function () {
  this.timeout(120_000);
  let tasks: TaskRecorder;
  let model: VideoModel & { starts: number };
  let deps: WorkerDeps;
  before(async () => (tasks = await withTaskRecorder()));
  after(() => tasks.stop());
  beforeEach(() => {
    model = counting(new LocalVideoModel({ renderDelayMs: 100 }));
    deps = {
      model,
      media,
      settings,
      loadInputs: (inputs) => loadInputs(inputs, { media, grabFrame, toPng }),
    };
  });

  async function user(tokens = 100) {
    const uid = uniqueUid();
    await setBalance(uid, tokens);
    return uid;
  }
  async function generate(uid: string, data: Record<string, unknown>) {
    const { creationId } = await generateVideo(callableRequest({ prompt: "inputs", ...data }, uid));
    await drain(tasks, deps);
    const creation = (await db().collection("creations").doc(creationId).get()).data()!;
    return { creationId, creation };
  }
  const stored = async (key: string) => collect(await media.openObject(key));

  describe("createUpload", () => {
    it("signs content type and length into a short-lived PUT for a private key of the caller's", async () => {
      const uid = await user();
      const png = solidImage("image/png", "red");
      const result: CreateUploadResult = await upload(uid, "image/png", png);
      const url = new URL(result.uploadUrl);
      expect(url.pathname).to.equal(`/${process.env.R2_BUCKET}/uploads/${uid}/${result.uploadId}`);
      expect(url.searchParams.get("X-Amz-SignedHeaders")!.split(";")).to.include.members([
        "content-length",
        "content-type",
        "host",
      ]);
      expect(Number(url.searchParams.get("X-Amz-Expires"))).to.equal(600);
      expect(result.headers).to.deep.equal({
        "content-type": "image/png",
        "content-length": String(png.length),
      });
      expect(await stored(`uploads/${uid}/${result.uploadId}`)).to.deep.equal(png);
      expect(await getUpload(result.uploadId)).to.include({ userId: uid, status: "pending" });
    });

    it("refuses other content types and sizes above the cap, naming the field", async () => {
      const uid = await user();
      const gif = await failure(
        createUpload(callableRequest({ contentType: "image/gif", size: 10 }, uid), {
          media: () => Promise.resolve(media),
        }),
      );
      expect(gif).to.include({ code: "invalid-argument" });
      expect(gif.details.fields).to.deep.equal(["contentType"]);
      const huge = await failure(
        createUpload(
          callableRequest({ contentType: "image/png", size: MAX_UPLOAD_BYTES + 1 }, uid),
          {
            media: () => Promise.resolve(media),
          },
        ),
      );
      expect(huge.details.fields).to.deep.equal(["size"]);
    });

    it(`holds at most ${MAX_PENDING_UPLOADS} unused uploads per user, with no counter document`, async () => {
      const uid = await user();
      const ask = () =>
        createUpload(callableRequest({ contentType: "image/png", size: 100 }, uid), {
          media: () => Promise.resolve(media),
        });
      for (let i = 0; i < MAX_PENDING_UPLOADS; i++) await ask();
      const refused = await failure(ask());
      expect(refused.code).to.equal("resource-exhausted");
      expect(refused.details).to.deep.include({ reason: "too-many-uploads" });
      expect((await db().collection("users").doc(uid).get()).get("pendingUploads")).to.equal(
        undefined,
      );
      // Another user is not affected.
      const other = await user();
      await createUpload(callableRequest({ contentType: "image/png", size: 100 }, other), {
        media: () => Promise.resolve(media),
      });
    });

    it("the sweeper removes expired uploads, object and document", async () => {
      const uid = await user();
      const id = `up_${randomBytes(12).toString("hex")}`;
      await reserveUpload(
        uid,
        id,
        { contentType: "image/png", size: 3 },
        {
          maxPending: 10,
          ttlMs: 1000,
          nowMs: Date.now() - 60_000,
        },
      );
      const key = `uploads/${uid}/${id}`;
      const { url } = await media.presignedPut(key, "image/png", 3, 60);
      await fetch(url, { method: "PUT", headers: { "content-type": "image/png" }, body: "abc" });
      expect(await media.exists(key)).to.equal(true);
      expect(await sweepUploads(media)).to.be.at.least(1);
      expect(await media.exists(key)).to.equal(false);
      expect(await getUpload(id)).to.equal(null);
    });
  });

  describe("the local model honours every input", () => {
    it("image: the first frame is the image; the creation records the input; the upload is used", async () => {
      const uid = await user();
      const { uploadId } = await upload(uid, "image/png", solidImage("image/png", "red", 400, 300));
      const { creationId, creation } = await generate(uid, { image: uploadId, duration: 4 });
      expect(creation.status).to.equal("draft");
      expect(creation.inputs.image).to.include({ kind: "upload", uploadId });
      const mp4 = await stored(creation.mediaPath as string);
      expect(probeMp4(mp4).durationSeconds).to.be.closeTo(4, 0.25);
      expect(colourDistance(frameColour(mp4, "first"), RED)).to.be.below(40);
      expect(await getUpload(uploadId)).to.include({ status: "used", creationId });
      expect(model.starts).to.equal(1);
    });

    it("lastFrame: a cross-fade from the image to the last frame", async () => {
      const uid = await user();
      const first = await upload(uid, "image/png", solidImage("image/png", "red"));
      const last = await upload(uid, "image/jpeg", solidImage("image/jpeg", "blue"));
      const { creation } = await generate(uid, {
        image: first.uploadId,
        lastFrame: last.uploadId,
        duration: 6,
      });
      const mp4 = await stored(creation.mediaPath as string);
      expect(colourDistance(frameColour(mp4, "first"), RED)).to.be.below(40);
      expect(colourDistance(frameColour(mp4, "last"), BLUE)).to.be.below(40);
      const middle = frameColour(mp4, 2.5);
      expect(middle[0], "half red").to.be.within(60, 200);
      expect(middle[2], "half blue").to.be.within(60, 200);
    });

    it("referenceImages: shown in the video (a thumbnail in the bottom-left corner)", async () => {
      const uid = await user();
      const ref = await upload(uid, "image/webp", solidImage("image/webp", "0x00ff00"));
      const { creation } = await generate(uid, {
        referenceImages: [{ image: ref.uploadId, referenceType: "asset" }],
        aspectRatio: "16:9",
      });
      expect(creation.status).to.equal("draft");
      expect(creation.inputs.referenceImages).to.have.length(1);
      // 640x360 frame: thumbnails 72 px high, 7 px from the bottom-left corner.
      const mp4 = await stored(creation.mediaPath as string);
      expect(colourDistance(frameColour(mp4, 1, "56:56:15:290"), [0, 255, 0])).to.be.below(40);
      expect(colourDistance(frameColour(mp4, 1, "56:56:15:20"), [0, 255, 0])).to.be.above(100);
    });

    it("a frame of the caller's own video starts a new one; extend appends 7 s to it", async () => {
      const uid = await user();
      const { creationId: sourceId, creation: source } = await generate(uid, {
        image: (await upload(uid, "image/png", solidImage("image/png", "blue"))).uploadId,
        duration: 4,
      });
      expect(source.status).to.equal("draft");
      const fromFrame = await generate(uid, {
        image: { creationId: sourceId, frame: "first" },
        duration: 4,
      });
      expect(fromFrame.creation.status).to.equal("draft");
      const mp4 = await stored(fromFrame.creation.mediaPath as string);
      expect(colourDistance(frameColour(mp4, "first"), BLUE)).to.be.below(40);

      const extended = await generate(uid, { extend: { creationId: sourceId } });
      expect(extended.creation.status).to.equal("draft");
      expect(extended.creation.inputs.extend).to.deep.equal({
        creationId: sourceId,
        mediaPath: source.mediaPath,
        addedSeconds: 7,
      });
      const video = probeMp4(await stored(extended.creation.mediaPath as string));
      expect(video.durationSeconds).to.be.closeTo(4 + 7, 0.3);
      expect(extended.creation.cost, "7 s at 1.25 tokens per second").to.equal(9);
    });
  });

  describe("hostile inputs", () => {
    async function refusedBeforeCharge(uid: string, data: Record<string, unknown>) {
      const before = await balanceOf(uid);
      const err = await failure(generateVideo(callableRequest({ prompt: "x", ...data }, uid)));
      expect(err.code).to.equal("invalid-argument");
      expect(await balanceOf(uid), "nothing charged").to.equal(before);
      return err.details;
    }

    it("forged upload ids and other users' uploads and videos are refused alike, nothing charged", async () => {
      const alice = await user();
      const bob = await user();
      const bobs = await upload(bob, "image/png", solidImage("image/png", "red"));
      const { creationId: bobVideo } = await generate(bob, { duration: 4 });
      const forged = await refusedBeforeCharge(alice, { image: `up_${"x".repeat(28)}` });
      const others = await refusedBeforeCharge(alice, { image: bobs.uploadId });
      expect(others).to.deep.equal(forged);
      expect(forged.rules).to.deep.equal([
        { field: "image", rule: "not-found", message: "No such upload of yours." },
      ]);
      const frame = await refusedBeforeCharge(alice, {
        image: { creationId: bobVideo, frame: "last" },
      });
      expect(frame.fields).to.deep.equal(["image"]);
      const extend = await refusedBeforeCharge(alice, { extend: { creationId: bobVideo } });
      expect(extend.fields).to.deep.equal(["extend.creationId"]);
      const ref = await refusedBeforeCharge(alice, {
        referenceImages: [{ image: bobs.uploadId }],
      });
      expect(ref.fields).to.deep.equal(["referenceImages.0.image"]);
      const charges = (await ledgerOf(alice)).filter((e) => e.type === "video_generation");
      expect(charges).to.deep.equal([]);
    });

    it("the model's rules are checked before any charge, naming field and rule", async () => {
      const uid = await user();
      const { uploadId } = await upload(uid, "image/png", solidImage("image/png", "red"));
      const refs = await refusedBeforeCharge(uid, {
        referenceImages: [{ image: uploadId }],
        duration: 6,
      });
      expect(refs.rules!.map((r) => `${r.field}:${r.rule}`)).to.deep.equal([
        "duration:reference-duration",
      ]);
      const last = await refusedBeforeCharge(uid, { lastFrame: uploadId });
      expect(last.rules!.map((r) => r.rule)).to.deep.equal(["needs-image"]);
    });

    const badUploads: [
      string,
      () => { type: UploadContentType; body: Buffer; size?: number },
      RegExp,
    ][] = [
      [
        "a text file declared as PNG",
        () => ({ type: "image/png", body: Buffer.from("<html>hello</html>".repeat(10)) }),
        /not a JPEG, PNG or WebP image/,
      ],
      [
        "a PNG declared as JPEG",
        () => ({ type: "image/jpeg", body: solidImage("image/png", "red") }),
        /is image\/png, not the image\/jpeg declared/,
      ],
      [
        "a truncated JPEG",
        () => {
          const jpeg = solidImage("image/jpeg", "red", 640, 480);
          return { type: "image/jpeg", body: jpeg.subarray(0, jpeg.length - 40) };
        },
        /truncated or damaged/,
      ],
      [
        "more bytes than declared (a PUT the signature would refuse on R2)",
        () => {
          const png = solidImage("image/png", "red");
          return {
            type: "image/png",
            body: Buffer.concat([png, Buffer.alloc(500)]),
            size: png.length,
          };
        },
        /bytes, not the \d+ declared/,
      ],
    ];
    for (const [name, make, message] of badUploads) {
      it(`${name}: failed, refunded once, a clear message, the model never started`, async () => {
        const uid = await user();
        const { type, body, size } = make();
        const result = await createUpload(
          callableRequest({ contentType: type, size: size ?? body.length }, uid),
          {
            media: () => Promise.resolve(media),
          },
        );
        await fetch(result.uploadUrl, {
          method: "PUT",
          headers: { "content-type": type },
          body: new Uint8Array(body),
        });
        const { creationId, creation } = await generate(uid, {
          image: result.uploadId,
          duration: 4,
        });
        expect(creation).to.include({ status: "failed", refunded: true, errorKind: "invalid" });
        expect(creation.error).to.match(/^The image could not be used: /);
        expect(creation.error).to.match(message);
        expect(model.starts, "nothing spent on the model").to.equal(0);
        expect(await balanceOf(uid)).to.equal(100);
        const refunds = (await ledgerOf(uid)).filter((e) => e.type === "refund");
        expect(refunds).to.have.length(1);
        expect(refunds[0]).to.include({ id: `${creationId}_refund` });
      });
    }

    it("an upload that was never PUT fails the same way", async () => {
      const uid = await user();
      const result = await createUpload(
        callableRequest({ contentType: "image/png", size: 1000 }, uid),
        {
          media: () => Promise.resolve(media),
        },
      );
      const { creation } = await generate(uid, { image: result.uploadId, duration: 4 });
      expect(creation).to.include({ status: "failed", refunded: true });
      expect(creation.error).to.match(/never completed/);
      expect(model.starts).to.equal(0);
    });
  });
});
