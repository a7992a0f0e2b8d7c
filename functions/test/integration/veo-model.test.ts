/**
 * The Veo adapter against the fake Vertex AI endpoint (fakes/vertex): real HTTP, the real
 * google-auth-library service-account JWT flow (token exchange at the fake), and the real
 * @google-cloud/storage download and delete.
 */
import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { Readable } from "node:stream";
import type { VideoRequest } from "../../src/domain/video-model";
import { createVideoModel } from "../../src/models/create-video-model";
import { createGoogleAuth } from "../../src/models/google-auth";
import { VeoVideoModel, type VeoModelOptions } from "../../src/models/veo-model";
import { probeMp4 } from "../helpers/mp4";
import { collect, modelRejection } from "../helpers/model-fixtures";
import { startFakeVertex, type FakeVertex } from "../../../fakes/vertex/server";

const PROJECT = "demo-phoenix";
const STORAGE_URI = "gs://phoenix-veo-tmp/veo";

function request(overrides: Partial<VideoRequest> = {}): VideoRequest {
  return {
    creationId: "creation-1",
    userId: "user-1",
    prompt: "A paper boat on a rainy street",
    aspectRatio: "9:16",
    duration: 8,
    resolution: "720p",
    generateAudio: true,
    ...overrides,
  };
}

describe("VeoVideoModel against the fake Vertex AI endpoint", function () {
  this.timeout(30_000);
  let fake: FakeVertex;

  before(async () => {
    fake = await startFakeVertex({ port: 0 });
  });
  after(async () => fake?.stop());
  beforeEach(() => fake.reset());

  /** A fresh adapter with its own auth client, as a new worker process would have. */
  async function adapter(overrides: Partial<VeoModelOptions> = {}): Promise<VeoVideoModel> {
    const auth = await createGoogleAuth({
      credentials: fake.serviceAccount(),
      tokenUrl: `${fake.url}/token`,
    });
    return new VeoVideoModel({
      project: PROJECT,
      location: "us-central1",
      apiEndpoint: fake.url,
      storageUri: STORAGE_URI,
      storageApiEndpoint: fake.url,
      auth,
      requestTimeoutMs: 5_000,
      ...overrides,
    });
  }

  it("starts, polls to the end and streams the finished video from Cloud Storage", async () => {
    const model = await adapter();
    expect(model.modelId).to.equal("veo-3.1-fast-generate-001");
    const { operationName } = await model.start(request({ negativePrompt: "blurry", seed: 42 }), 0);
    expect(operationName).to.match(
      /^projects\/demo-phoenix\/locations\/us-central1\/publishers\/google\/models\/veo-3\.1-fast-generate-001\/operations\/.+$/,
    );
    expect(fake.stats.lastStartBody).to.deep.equal({
      instances: [{ prompt: "A paper boat on a rainy street" }],
      parameters: {
        aspectRatio: "9:16",
        durationSeconds: 8,
        resolution: "720p",
        generateAudio: true,
        sampleCount: 1,
        storageUri: "gs://phoenix-veo-tmp/veo/creation-1/",
        negativePrompt: "blurry",
        seed: 42,
      },
      // Billing labels: Veo spend under the same app/phase labels as the infrastructure.
      labels: { app: "phoenix", phase: "3", component: "generation" },
    });

    expect(await model.poll(operationName, 0)).to.deep.equal({ done: false });
    const finished = await model.poll(operationName, 0);
    if (!finished.done) throw new Error("expected the operation to be done");
    expect(finished.video.uri).to.match(
      /^gs:\/\/phoenix-veo-tmp\/veo\/creation-1\/.+\/sample_0\.mp4$/,
    );
    expect(finished.video.contentType).to.equal("video/mp4");

    const bytes = await collect(await model.openVideo(finished.video));
    expect(bytes.equals(fake.videoFor("9:16", 8))).to.equal(true);
    const info = probeMp4(bytes);
    expect(info).to.include({ codec: "avc1", width: 360, height: 640 });
    expect(info.durationSeconds).to.be.closeTo(8, 0.15);
    expect(fake.stats.downloads).to.equal(1);

    await model.discardVideo(finished.video);
    expect(fake.objects()).to.deep.equal([]);
    expect(fake.stats.deletes).to.equal(1);
    await model.discardVideo(finished.video); // already gone: still fine
  });

  it("sends image, lastFrame and referenceImages inline (bytesBase64Encoded + mimeType)", async () => {
    const model = await adapter();
    const png = { bytes: Buffer.from("png-bytes"), mimeType: "image/png" };
    const jpeg = { bytes: Buffer.from("jpeg-bytes"), mimeType: "image/jpeg" };
    await model.start(request({ inputs: { image: png, lastFrame: jpeg } }), 0);
    const inline = (b: typeof png) => ({
      bytesBase64Encoded: b.bytes.toString("base64"),
      mimeType: b.mimeType,
    });
    const sent = fake.stats.lastStartBody as { instances: unknown[] };
    expect(sent.instances).to.deep.equal([
      { prompt: "A paper boat on a rainy street", image: inline(png), lastFrame: inline(jpeg) },
    ]);
    await model.start(
      request({ inputs: { referenceImages: [{ image: png, referenceType: "asset" }] } }),
      0,
    );
    expect((fake.stats.lastStartBody as { instances: unknown[] }).instances).to.deep.equal([
      {
        prompt: "A paper boat on a rainy street",
        referenceImages: [{ image: inline(png), referenceType: "asset" }],
      },
    ]);
  });

  it("streams the video to extend into Cloud Storage and sends its gcsUri", async () => {
    const model = await adapter();
    const source = fake.videoFor("9:16", 8);
    await model.start(
      request({
        inputs: {
          extend: {
            open: () =>
              Promise.resolve(Readable.from([source.subarray(0, 1000), source.subarray(1000)])),
            contentType: "video/mp4",
            addedSeconds: 7,
          },
        },
      }),
      0,
    );
    const gcsUri = "gs://phoenix-veo-tmp/veo/creation-1/inputs/source.mp4";
    const sent = fake.stats.lastStartBody as {
      instances: unknown[];
      parameters: { durationSeconds: number };
    };
    expect(sent.instances).to.deep.equal([
      { prompt: "A paper boat on a rainy street", video: { gcsUri, mimeType: "video/mp4" } },
    ]);
    expect(sent.parameters.durationSeconds, "Veo takes 8 with an extension").to.equal(8);
    expect(fake.stats.uploads).to.equal(1);
    expect(fake.objects()).to.include(gcsUri);
    const copied = await collect(await model.openVideo({ uri: gcsUri, contentType: "video/mp4" }));
    expect(copied.equals(source), "the copy is byte for byte the source").to.equal(true);
  });

  it("authenticates every call with a bearer token from the service-account JWT flow", async () => {
    const model = await adapter();
    const { operationName } = await model.start(request(), 0);
    await model.poll(operationName, 0);
    expect(fake.stats.tokenRequests).to.equal(1); // token cached across calls
    expect(fake.stats.lastAuthorization).to.match(/^Bearer ya29\.fake-/);
    expect(fake.stats.unauthorized).to.equal(0);
  });

  it("fails as transient when the token exchange is refused (key not known to the server)", async () => {
    const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const credentials = {
      ...fake.serviceAccount(),
      private_key: stranger.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
    const auth = await createGoogleAuth({ credentials, tokenUrl: `${fake.url}/token` });
    const error = await modelRejection((await adapter({ auth })).start(request(), 0));
    expect(error.kind).to.equal("transient");
    expect(error.details.call).to.equal("predictLongRunning (auth)");
    expect(fake.stats.starts).to.equal(0);
  });

  it("treats a rejected bearer token (401) as transient", async () => {
    const auth = { getRequestHeaders: async () => ({ authorization: "Bearer not-issued" }) };
    const error = await modelRejection((await adapter({ auth })).start(request(), 0));
    expect(error.kind).to.equal("transient");
    expect(error.details.status).to.equal(401);
    expect(fake.stats.unauthorized).to.equal(1);
  });

  it("classifies a filtered result (zero videos, raiMediaFilteredCount > 0) as policy", async () => {
    fake.script({ outcome: "filtered", pollsUntilDone: 1 });
    const model = await adapter();
    const { operationName } = await model.start(request(), 0);
    const error = await modelRejection(model.poll(operationName, 0));
    expect(error.kind).to.equal("policy");
    expect(error.details.raiMediaFilteredCount).to.equal(1);
    expect(error.details.raiMediaFilteredReasons).to.be.an("array").with.length(1);
    expect(error.details.supportCodes).to.deep.equal(["17301594"]);
    expect(error.details.operationName).to.equal(operationName);
  });

  it("asks for sampleCount videos on the tier's model and delivers those not filtered", async () => {
    fake.script({ pollsUntilDone: 1 });
    const model = await adapter();
    const { operationName } = await model.start(
      request({
        prompt: "three kites fake:filtered-samples=1",
        sampleCount: 3,
        modelId: "veo-3.1-lite-generate-001",
      }),
      0,
    );
    expect(operationName).to.include("/models/veo-3.1-lite-generate-001/operations/");
    const parameters = (fake.stats.lastStartBody as { parameters: { sampleCount: number } })
      .parameters;
    expect(parameters.sampleCount).to.equal(3);
    const status = await model.poll(operationName, 0);
    if (!status.done) throw new Error("expected a finished operation");
    expect((status.videos ?? []).map((v) => v.uri.split("/").pop())).to.deep.equal([
      "sample_0.mp4",
      "sample_1.mp4",
    ]);
    expect(status.filtered?.count).to.equal(1);
    expect(status.filtered?.reasons[0]).to.match(/Support codes: 58061214/);
  });

  it("passes enhancePrompt through and returns the rewritten prompt Veo hands back", async () => {
    fake.script({ pollsUntilDone: 1 });
    const model = await adapter();
    const asked = await model.start(request({ enhancePrompt: true }), 0);
    const sent = (fake.stats.lastStartBody as { parameters: Record<string, unknown> }).parameters;
    expect(sent.enhancePrompt).to.equal(true);
    const rewritten = await model.poll(asked.operationName, 0);
    if (!rewritten.done) throw new Error("expected a finished operation");
    expect(rewritten.enhancedPrompt).to.equal(
      "A paper boat on a rainy street (rewritten by the prompt rewriter)",
    );

    const off = await model.start(request({ enhancePrompt: false }), 0);
    const sentOff = (fake.stats.lastStartBody as { parameters: object }).parameters;
    expect(sentOff).to.have.property("enhancePrompt", false);
    const plain = await model.poll(off.operationName, 0);
    if (!plain.done) throw new Error("expected a finished operation");
    expect(plain).to.not.have.property("enhancedPrompt");

    // Absent: the model's own default, so the parameter is not sent at all.
    await model.start(request(), 0);
    expect((fake.stats.lastStartBody as { parameters: object }).parameters).to.not.have.property(
      "enhancePrompt",
    );
  });

  it("classifies HTTP 429 and 500 from predictLongRunning as transient, 400 as invalid", async () => {
    fake.script({ startErrors: [429, 500, 503, 400] });
    const model = await adapter();
    for (const status of [429, 500, 503]) {
      const error = await modelRejection(model.start(request(), 0));
      expect(error.kind, `HTTP ${status}`).to.equal("transient");
      expect(error.details.status).to.equal(status);
    }
    const invalid = await modelRejection(model.start(request(), 0));
    expect(invalid.kind).to.equal("invalid");
    expect(invalid.details).to.include({ status: 400, code: "INVALID_ARGUMENT" });
    // the script is used up: the next start goes through
    expect((await model.start(request(), 1)).operationName).to.be.a("string");
    expect(fake.stats.starts).to.equal(5);
  });

  it("classifies a 400 that names the usage guidelines as policy", async () => {
    fake.script({
      startErrors: [
        {
          status: 400,
          message:
            "The prompt could not be submitted. This prompt contains words that violate Vertex AI's usage guidelines. Support codes: 58061214",
        },
      ],
    });
    const error = await modelRejection((await adapter()).start(request(), 0));
    expect(error.kind).to.equal("policy");
    expect(error.details.supportCodes).to.deep.equal(["58061214"]);
  });

  it("keeps the operation when a poll fails transiently (5xx) and finishes on the next poll", async () => {
    fake.script({ pollsUntilDone: 1, pollErrors: [503] });
    const model = await adapter();
    const { operationName } = await model.start(request(), 0);
    expect((await modelRejection(model.poll(operationName, 0))).kind).to.equal("transient");
    expect((await model.poll(operationName, 1)).done).to.equal(true);
    expect(fake.stats.starts).to.equal(1);
  });

  it("maps operation errors: code 3 → invalid, codes 4/8/13/14 → transient", async () => {
    const model = await adapter();
    for (const [code, kind] of [
      [3, "invalid"],
      [4, "transient"],
      [8, "transient"],
      [13, "transient"],
      [14, "transient"],
    ] as const) {
      const { operationName } = await model.start(
        request({ prompt: `a scene fake:op-error=${code} fake:polls=1` }),
        0,
      );
      const error = await modelRejection(model.poll(operationName, 0));
      expect(error.kind, `code ${code}`).to.equal(kind);
      expect(error.details.rpcCode).to.equal(code);
    }
  });

  it("scripts start failures per prompt with a marker (for tests in other processes)", async () => {
    const model = await adapter();
    const req = request({ prompt: "a scene fake:start-429x2" });
    expect((await modelRejection(model.start(req, 0))).kind).to.equal("transient");
    expect((await modelRejection(model.start(req, 1))).kind).to.equal("transient");
    expect((await model.start(req, 2)).operationName).to.be.a("string");
    expect(fake.stats.startsByPrompt[req.prompt]).to.equal(3);
  });

  it("treats a request timeout and a refused connection as transient", async () => {
    fake.script({ startErrors: [{ delayMs: 1_000 }] });
    const slow = await modelRejection(
      (await adapter({ requestTimeoutMs: 200 })).start(request(), 0),
    );
    expect(slow.kind).to.equal("transient");
    expect(slow.details.timeout).to.equal(true);

    const down = await adapter({ apiEndpoint: "http://127.0.0.1:1" });
    const refused = await modelRejection(down.start(request(), 0));
    expect(refused.kind).to.equal("transient");
    expect(refused.details.network).to.equal(true);
  });

  it("rejects a poll of an unknown or malformed operation name as invalid", async () => {
    const model = await adapter();
    expect((await modelRejection(model.poll("operations/123", 0))).kind).to.equal("invalid");
    const unknown = `projects/${PROJECT}/locations/us-central1/publishers/google/models/veo-3.1-fast-generate-001/operations/nope`;
    const error = await modelRejection(model.poll(unknown, 0));
    expect(error.kind).to.equal("invalid");
    expect(error.details.status).to.equal(404);
  });

  it("createVideoModel builds the Veo adapter from settings (fake endpoints, key, token URL)", async () => {
    const model = await createVideoModel({
      vertexProject: PROJECT,
      veoStorageUri: STORAGE_URI,
      vertexApiEndpoint: fake.url,
      storageApiEndpoint: fake.url,
      vertexCredentials: fake.serviceAccount(),
      vertexTokenUrl: `${fake.url}/token`,
    });
    expect(model).to.be.instanceOf(VeoVideoModel);
    const { operationName } = await model.start(request(), 0);
    expect((await model.poll(operationName, 0)).done).to.equal(false);
    expect((await model.poll(operationName, 0)).done).to.equal(true);
  });

  it("resumes a saved operation after a crash: a new adapter polls it, nothing is started twice", async () => {
    const req = request({
      prompt: "A lighthouse, resumed after a crash",
      aspectRatio: "16:9",
      duration: 4,
    });
    const first = await adapter();
    const { operationName } = await first.start(req, 0);
    expect((await first.poll(operationName, 0)).done).to.equal(false);
    // ... the worker dies here; the operation name was saved on the creation.

    const second = await adapter();
    const status = await second.poll(operationName, 1);
    if (!status.done) throw new Error("expected the resumed operation to be done");
    const info = probeMp4(await collect(await second.openVideo(status.video)));
    expect(info).to.include({ width: 640, height: 360, codec: "avc1" });
    expect(info.durationSeconds).to.be.closeTo(4, 0.15);
    expect(fake.stats.starts).to.equal(1);
    expect(fake.stats.startsByPrompt[req.prompt]).to.equal(1);
  });
});
