import { expect } from "chai";
import { HttpsError } from "firebase-functions/v2/https";
import { generateVideoInput, type InputRuleViolation } from "../../src/contract";
import {
  inputCapabilitiesOf,
  inputViolations,
  INPUT_CAPABILITIES,
} from "../../src/domain/input-capabilities";
import { VIDEO_MODELS } from "../../src/domain/video-capabilities";
import { decideUpload, uploadRefusal, type UploadRecord } from "../../src/domain/uploads";
import type { Creation } from "../../src/domain/creation";
import { resolveVisualInputs, type InputLookups } from "../../src/handlers/visual-inputs";
import { priceOf } from "../../src/domain/pricing";

const V31 = "veo-3.1-fast-generate-001";
const UP = (n: number) => `up_${"A".repeat(27)}${n}`;
const rules = (model: string, data: Record<string, unknown>) =>
  inputViolations(
    inputCapabilitiesOf(model),
    model,
    generateVideoInput.parse({ prompt: "p", ...data }),
  ).map((v) => `${v.field}:${v.rule}`);

describe("visual inputs: the model's rules", () => {
  it("has an input row for every model of the capability table", () => {
    expect(Object.keys(INPUT_CAPABILITIES).sort()).to.deep.equal(Object.keys(VIDEO_MODELS).sort());
  });

  it("accepts what Veo 3.1 takes", () => {
    expect(rules(V31, { image: UP(1) })).to.deep.equal([]);
    expect(rules(V31, { image: UP(1), lastFrame: UP(2) })).to.deep.equal([]);
    expect(rules(V31, { referenceImages: [{ image: UP(1) }, { image: UP(2) }] })).to.deep.equal([]);
    expect(rules(V31, { extend: { creationId: "c1" } })).to.deep.equal([]);
  });

  it("names the field and the rule of each refusal", () => {
    expect(rules(V31, { lastFrame: UP(2) })).to.deep.equal(["lastFrame:needs-image"]);
    expect(rules(V31, { referenceImages: [{ image: UP(1) }], duration: 6 })).to.deep.equal([
      "duration:reference-duration",
    ]);
    expect(
      rules(V31, { referenceImages: [{ image: UP(1), referenceType: "style" }] }),
    ).to.deep.equal(["referenceImages:too-many-style"]);
    expect(rules(V31, { referenceImages: [{ image: UP(1) }], image: UP(2) })).to.deep.equal([
      "referenceImages:exclusive",
    ]);
    expect(rules(V31, { extend: { creationId: "c" }, resolution: "1080p" })).to.deep.equal([
      "resolution:extend-resolution",
    ]);
    expect(rules(V31, { extend: { creationId: "c" }, duration: 4 })).to.deep.equal([
      "duration:extend-duration",
    ]);
    expect(rules("veo-3.0-generate-001", { image: UP(1), lastFrame: UP(2) })).to.deep.equal([
      "lastFrame:model-unsupported",
    ]);
    expect(rules("veo-3.0-generate-001", { extend: { creationId: "c" } })).to.deep.equal([
      "extend:model-unsupported",
    ]);
    expect(rules("unknown-model", { image: UP(1) })).to.deep.equal(["image:model-unsupported"]);
  });

  it("the schema refuses more than three reference images and malformed ids", () => {
    const four = Array.from({ length: 4 }, (_, i) => ({ image: UP(i) }));
    const parsed = generateVideoInput.safeParse({ prompt: "p", referenceImages: four });
    expect(parsed.success).to.equal(false);
    expect(generateVideoInput.safeParse({ prompt: "p", image: "videos/x" }).success).to.equal(
      false,
    );
    expect(
      generateVideoInput.safeParse({ prompt: "p", image: { creationId: "c", frame: "middle" } })
        .success,
    ).to.equal(false);
  });
});

describe("visual inputs: prices", () => {
  const base = { model: "fast", duration: 8, resolution: "720p", generateAudio: false } as const;
  it("prices image, frames and references like text-to-video", () => {
    const withImage = generateVideoInput.parse({ prompt: "p", image: UP(1), lastFrame: UP(2) });
    expect(priceOf(withImage)).to.equal(priceOf(base)).and.to.equal(10);
  });
  it("prices an extension for the 7 s it adds, at the tier's rate", () => {
    expect(priceOf({ ...base, extend: { creationId: "c" } })).to.equal(9); // 1.25 × 7 = 8.75
    expect(priceOf({ ...base, model: "standard", extend: { creationId: "c" } })).to.equal(18); // 2.5 × 7 = 17.5
  });
});

describe("uploads: quota and use", () => {
  const now = 1_000_000;
  it("counts only unused uploads that have not expired", () => {
    const held = [
      { status: "pending" as const, expiresAtMs: now + 1 },
      { status: "used" as const, expiresAtMs: now + 1 },
      { status: "pending" as const, expiresAtMs: now - 1 },
    ];
    expect(decideUpload(held, { maxPending: 2, nowMs: now })).to.deep.equal({ outcome: "create" });
    expect(decideUpload(held, { maxPending: 1, nowMs: now })).to.deep.equal({
      outcome: "reject",
      reason: "too-many-uploads",
      pending: 1,
      max: 1,
    });
  });

  it("someone else's upload reads like a missing one; one that dies before the job is expired", () => {
    const mine = { userId: "u1", expiresAtMs: now + 10_000 };
    expect(uploadRefusal(mine, "u1", now, 5_000)).to.equal(null);
    expect(uploadRefusal(mine, "u2", now, 5_000)).to.equal("not-found");
    expect(uploadRefusal(null, "u1", now, 5_000)).to.equal("not-found");
    expect(uploadRefusal(mine, "u1", now, 20_000)).to.equal("expired");
  });
});

describe("resolveVisualInputs (ownership, before any charge)", () => {
  const now = Date.now();
  const upload = (userId: string): UploadRecord => ({
    userId,
    key: `uploads/${userId}/x`,
    contentType: "image/png",
    size: 100,
    status: "pending",
    creationId: null,
    expiresAtMs: now + 86_400_000,
  });
  const video = (userId: string, status: Creation["status"] = "draft") =>
    ({
      userId,
      status,
      mediaPath: `videos/${userId}/v.mp4`,
      resolution: "720p",
      aspectRatio: "9:16",
    }) as Creation;
  const uploads: Record<string, UploadRecord> = {
    [UP(1)]: upload("alice"),
    [UP(2)]: upload("bob"),
  };
  const creations: Record<string, Creation> = {
    aliceVideo: video("alice"),
    bobVideo: video("bob"),
    alicePending: video("alice", "pending"),
  };
  const lookups: InputLookups = {
    getUpload: (id) => Promise.resolve(uploads[id] ?? null),
    getCreation: (id) => Promise.resolve(creations[id] ?? null),
    jobLimitMs: 1_800_000,
    nowMs: now,
  };
  const resolve = (data: Record<string, unknown>) =>
    resolveVisualInputs("alice", generateVideoInput.parse({ prompt: "p", ...data }), V31, lookups);
  const refusal = async (data: Record<string, unknown>) => {
    const err = await resolve(data).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(HttpsError);
    expect((err as HttpsError).code).to.equal("invalid-argument");
    return (err as HttpsError).details as { fields: string[]; rules: InputRuleViolation[] };
  };

  it("records R2 keys of the caller's own upload and video", async () => {
    const resolved = await resolve({
      image: UP(1),
      lastFrame: { creationId: "aliceVideo", frame: "last" },
    });
    expect(resolved).to.deep.equal({
      uploadIds: [UP(1)],
      inputs: {
        image: {
          kind: "upload",
          uploadId: UP(1),
          key: "uploads/alice/x",
          contentType: "image/png",
          size: 100,
        },
        lastFrame: {
          kind: "frame",
          creationId: "aliceVideo",
          mediaPath: "videos/alice/v.mp4",
          frame: "last",
        },
      },
    });
    expect(await resolve({})).to.equal(null);
  });

  it("another user's upload, a forged id and a missing one get the same answer", async () => {
    const others = await refusal({ image: UP(2) });
    const forged = await refusal({ image: UP(9) });
    expect(others).to.deep.equal(forged);
    expect(forged.fields).to.deep.equal(["image"]);
    expect(forged.rules[0].rule).to.equal("not-found");
  });

  it("another user's video can be neither a frame source nor extended", async () => {
    const frame = await refusal({ image: { creationId: "bobVideo", frame: "first" } });
    expect(frame.rules.map((r) => `${r.field}:${r.rule}`)).to.deep.equal(["image:not-found"]);
    const extend = await refusal({ extend: { creationId: "bobVideo" } });
    expect(extend.rules.map((r) => `${r.field}:${r.rule}`)).to.deep.equal([
      "extend.creationId:not-found",
    ]);
  });

  it("an unfinished video, or a source of another shape, cannot be extended", async () => {
    const pending = await refusal({ extend: { creationId: "alicePending" } });
    expect(pending.rules.map((r) => r.rule)).to.include("not-extendable");
    const wide = await refusal({ extend: { creationId: "aliceVideo" }, aspectRatio: "16:9" });
    expect(wide.rules.map((r) => `${r.field}:${r.rule}`)).to.deep.equal([
      "aspectRatio:extend-aspect-ratio",
    ]);
  });
});
