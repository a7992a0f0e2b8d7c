import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { OperationStatus, VideoRequest } from "../../src/domain/video-model";
import { createVideoModel, isLocalOperation } from "../../src/models/create-video-model";
import { LocalVideoModel } from "../../src/models/local-model";
import { ffmpegBinary } from "../../src/models/local-render";
import { probeMp4 } from "../helpers/mp4";
import { collect, modelRejection } from "../helpers/model-fixtures";

function request(overrides: Partial<VideoRequest> = {}): VideoRequest {
  return {
    creationId: "c1",
    userId: "u1",
    prompt: "A lighthouse in a storm",
    aspectRatio: "9:16",
    duration: 4,
    resolution: "720p",
    generateAudio: false,
    ...overrides,
  };
}

/** Polls until done with a bounded number of looks (no bare sleeps in assertions). */
async function pollUntilDone(model: LocalVideoModel, name: string, limitMs = 20_000) {
  const deadline = Date.now() + limitMs;
  const seen: OperationStatus[] = [];
  for (;;) {
    const status = await model.poll(name, 0);
    seen.push(status);
    if (status.done) return { status, seen };
    if (Date.now() > deadline) throw new Error(`operation ${name} not done after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Mean colour of one decoded frame, to tell two videos apart visually. */
function frameBytes(file: string, second: number): Buffer {
  return execFileSync(ffmpegBinary(), [
    "-hide_banner",
    "-loglevel",
    "error",
    "-ss",
    String(second),
    "-i",
    file,
    "-frames:v",
    "1",
    "-vf",
    "scale=16:16",
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-",
  ]);
}

describe("LocalVideoModel (integration: real ffmpeg)", function () {
  this.timeout(60_000);
  let stateDir: string;
  let model: LocalVideoModel;

  beforeEach(() => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), "phoenix-local-model-test-"));
    model = new LocalVideoModel({ stateDir, renderDelayMs: 0 });
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  for (const [aspectRatio, duration, w, h] of [
    ["9:16", 8, 360, 640],
    ["16:9", 4, 640, 360],
    ["16:9", 6, 640, 360],
  ] as const) {
    it(`renders a ${duration} s ${aspectRatio} H.264 MP4`, async () => {
      const { operationName } = await model.start(request({ aspectRatio, duration }), 0);
      expect(operationName).to.match(/^local-operations\/[0-9a-f-]{36}$/);
      const { status } = await pollUntilDone(model, operationName);
      if (!status.done) throw new Error("unreachable");
      expect(status.video.contentType).to.equal("video/mp4");
      const info = probeMp4(status.video.uri);
      expect(info.codec).to.equal("avc1");
      expect(info.width).to.equal(w);
      expect(info.height).to.equal(h);
      expect(info.durationSeconds).to.be.closeTo(duration, 0.15);
      expect(info.faststart).to.equal(true);
      expect(info.hasAudio).to.equal(false);
    });
  }

  it("adds an audio track when generateAudio is set", async () => {
    const { operationName } = await model.start(request({ generateAudio: true }), 0);
    const { status } = await pollUntilDone(model, operationName);
    if (!status.done) throw new Error("unreachable");
    const info = probeMp4(status.video.uri);
    expect(info.hasAudio).to.equal(true);
    expect(info.durationSeconds).to.be.closeTo(4, 0.15);
  });

  it("renders sampleCount different videos, and [[filtered:N]] withholds N of them", async () => {
    const { operationName } = await model.start(
      request({ prompt: "three lanterns [[filtered:1]]", sampleCount: 3, seed: 7 }),
      0,
    );
    const { status } = await pollUntilDone(model, operationName);
    if (!status.done) throw new Error("unreachable");
    const videos = status.videos ?? [];
    expect(videos.map((v) => v.seed)).to.deep.equal([7, 8]);
    expect(status.filtered?.count).to.equal(1);
    expect(status.filtered?.reasons[0]).to.match(/Support codes: \d{8}/);
    const [a, b] = videos.map((v) => readFileSync(v.uri));
    expect(probeMp4(videos[1].uri).codec).to.equal("avc1");
    expect(a.equals(b), "each sample is its own video").to.equal(false);
  });

  it("streams the video through openVideo and deletes it with discardVideo", async () => {
    const { operationName } = await model.start(request(), 0);
    const { status } = await pollUntilDone(model, operationName);
    if (!status.done) throw new Error("unreachable");
    const bytes = await collect(await model.openVideo(status.video));
    expect(bytes.equals(readFileSync(status.video.uri))).to.equal(true);
    await model.discardVideo(status.video);
    expect(existsSync(status.video.uri)).to.equal(false);
    await model.discardVideo(status.video); // idempotent
    await modelRejection(model.openVideo({ uri: "/etc/passwd", contentType: "video/mp4" }));
  });

  it("gives different prompts visibly different videos", async () => {
    const files: string[] = [];
    for (const prompt of ["A lighthouse in a storm", "Neon city at night"]) {
      const { operationName } = await model.start(request({ prompt }), 0);
      const { status } = await pollUntilDone(model, operationName);
      if (status.done) files.push(status.video.uri);
    }
    expect(frameBytes(files[0], 1).equals(frameBytes(files[1], 1))).to.equal(false);
  });

  it("lets another process (a new instance on the same state dir) poll the operation", async () => {
    const { operationName } = await model.start(request(), 0);
    const other = new LocalVideoModel({ stateDir });
    const { status } = await pollUntilDone(other, operationName);
    expect(status.done).to.equal(true);
  });

  it("survives concurrent polls of one operation: one valid MP4, no temp files left", async () => {
    const { operationName } = await model.start(request({ duration: 8 }), 0);
    const others = [model, new LocalVideoModel({ stateDir }), new LocalVideoModel({ stateDir })];
    const results = await Promise.all([...others, ...others].map((m) => m.poll(operationName, 0)));
    const uris = new Set(results.map((r) => (r.done ? r.video.uri : "")));
    expect([...uris]).to.have.length(1);
    const [uri] = [...uris];
    expect(probeMp4(uri).durationSeconds).to.be.closeTo(8, 0.15);
    expect(readdirSync(path.dirname(uri))).to.deep.equal([path.basename(uri)]);
  });

  it("is what createVideoModel builds when no Vertex project is configured", async () => {
    const local = await createVideoModel({ vertexProject: "", localStateDir: stateDir });
    expect(local).to.be.instanceOf(LocalVideoModel);
    expect(local.modelId).to.equal("local-ffmpeg");
    const { operationName } = await local.start(request(), 0);
    expect(isLocalOperation(operationName)).to.equal(true);
  });

  it("rejects unknown operation names as invalid", async () => {
    expect((await modelRejection(model.poll("local-operations/nope", 0))).kind).to.equal("invalid");
    const missing = "local-operations/00000000-0000-4000-8000-000000000000";
    expect((await modelRejection(model.poll(missing, 0))).kind).to.equal("invalid");
  });

  describe("test directives", () => {
    it("[[slow:MS]] reports progress until MS have passed, then finishes", async () => {
      const started = Date.now();
      const { operationName } = await model.start(request({ prompt: "slow one [[slow:600]]" }), 0);
      const { seen } = await pollUntilDone(model, operationName);
      expect(Date.now() - started).to.be.at.least(600);
      const pending = seen.filter((s) => !s.done);
      expect(pending.length).to.be.greaterThan(0);
      const progress = pending.map((s) => (s.done ? 1 : (s.progress ?? 0)));
      expect(progress.every((p) => p >= 0 && p < 1)).to.equal(true);
      expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    });

    it("without [[slow]] the operation takes the configured default delay", async () => {
      const slowModel = new LocalVideoModel({ stateDir, renderDelayMs: 300 });
      const { operationName } = await slowModel.start(request(), 0);
      expect((await slowModel.poll(operationName, 0)).done).to.equal(false);
      const { status } = await pollUntilDone(slowModel, operationName);
      expect(status.done).to.equal(true);
    });

    it("[[policy]] finishes filtered: poll throws a policy error with reasons", async () => {
      const { operationName } = await model.start(request({ prompt: "[[policy]] forbidden" }), 0);
      const error = await modelRejection(model.poll(operationName, 0));
      expect(error.kind).to.equal("policy");
      expect(error.permanent).to.equal(true);
      expect(error.details.raiMediaFilteredCount).to.equal(1);
      expect(error.details.raiMediaFilteredReasons).to.be.an("array").with.length(1);
      expect(readdirSync(stateDir)).to.not.include("videos");
    });

    it("[[transient:N]] fails the first N attempts with a retryable 503, then starts", async () => {
      const req = request({ prompt: "flaky [[transient:2]]" });
      for (const attempt of [0, 1]) {
        const error = await modelRejection(model.start(req, attempt));
        expect(error.kind).to.equal("transient");
        expect(error.permanent).to.equal(false);
        expect(error.details.status).to.equal(503);
      }
      const { operationName } = await model.start(req, 2);
      expect((await pollUntilDone(model, operationName)).status.done).to.equal(true);
    });

    it("[[permanent]] fails every attempt with a non-retryable invalid error", async () => {
      for (const attempt of [0, 3]) {
        const error = await modelRejection(
          model.start(request({ prompt: "bad [[permanent]]" }), attempt),
        );
        expect(error.kind).to.equal("invalid");
        expect(error.permanent).to.equal(true);
      }
    });
  });
});
