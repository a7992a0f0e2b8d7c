import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import {
  callableRequest,
  setupLocalEnv,
  uniqueUid,
  withTaskRecorder,
} from "../../../test-harness/inprocess";
import type { TaskRecorder } from "../../../test-harness/task-recorder";

setupLocalEnv();
import { generateVideo } from "../../src/handlers/generate-video";
import type { VideoModel } from "../../src/domain/video-model";
import { LocalVideoModel } from "../../src/models/local-model";
import { VeoVideoModel } from "../../src/models/veo-model";
import { createGoogleAuth } from "../../src/models/google-auth";
import { processCreation, type WorkerDeps } from "../../src/handlers/process-creation";
import { drain, taskRequest } from "../../../test-harness/dispatch";
import { balanceOf, db, ledgerOf, setBalance } from "../../../test-harness/firestore";
import { claimCreation } from "../../src/adapters/creation-store";
import { MAX_GENERATION_RESTARTS } from "../../src/domain/worker-step";
import { probeMp4 } from "../helpers/mp4";
import { localMediaStore } from "../helpers/media";
import { counting } from "../helpers/model-fixtures";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeVertex } = require("../../../fakes/vertex/server") as {
  startFakeVertex: (o: { port?: number }) => Promise<{
    url: string;
    stats: { starts: number };
    serviceAccount(): { client_email: string; private_key: string };
    stop(): Promise<void>;
  }>;
};

const media = localMediaStore();
const s3 = new S3Client({
  endpoint: process.env.R2_ENDPOINT,
  region: "auto",
  forcePathStyle: true,
  credentials: {
    accessKeyId: process.env.R2_ACCESS_KEY_ID!,
    secretAccessKey: process.env.R2_SECRET_ACCESS_KEY!,
  },
});
const settings = {
  leaseSeconds: 30,
  pollIntervalSeconds: 0,
  maxAttempts: 4,
  mediaUrlTtlSeconds: 3600,
};

async function objectBytes(key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: process.env.R2_BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

describe("worker steps (in process, local model, S3 server)", () => {
  let tasks: TaskRecorder;
  const local = () => counting(new LocalVideoModel({ renderDelayMs: 300 }));
  before(async () => (tasks = await withTaskRecorder()));
  after(() => tasks.stop());

  async function submitted(prompt: string, extra: Record<string, unknown> = {}) {
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const { creationId } = await generateVideo(callableRequest({ prompt, ...extra }, uid));
    return { uid, creationId, ref: db().collection("creations").doc(creationId) };
  }

  it("takes a creation to draft with a playable MP4 of the requested shape, without holding a worker", async () => {
    const { uid, creationId, ref } = await submitted("a paper boat on a pond", {
      aspectRatio: "16:9",
      duration: 4,
    });
    const model = local();
    const deliveries = await drain(tasks, { model, media, settings });
    const creation = (await ref.get()).data()!;
    expect(creation).to.include({
      status: "draft",
      progress: 1,
      modelUsed: "local-ffmpeg",
      mediaPath: `videos/${uid}/${creationId}.mp4`,
    });
    expect(creation.mediaUrl).to.match(
      /^http:\/\/127\.0\.0\.1:\d+\/phoenix-media\/videos\/.+X-Amz-Signature=/,
    );
    expect(creation.generationTime).to.be.a("number");
    expect(model.starts).to.equal(1);
    expect(deliveries.length, "several short steps, not one long one").to.be.at.least(2);
    const probe = probeMp4(await objectBytes(creation.mediaPath));
    expect(probe.codec).to.equal("avc1");
    expect(probe.width).to.be.greaterThan(probe.height);
    expect(probe.durationSeconds).to.be.closeTo(4, 0.25);
    expect(await balanceOf(uid)).to.equal(95); // a 4 s video costs 5
  });

  it("the same task delivered twice at once makes one video, one debit and no refund", async () => {
    const { uid, ref } = await submitted("two deliveries");
    const [first] = tasks.take();
    const model = local();
    const deps: WorkerDeps = { model, media, settings };
    const results = await Promise.allSettled([
      processCreation(taskRequest(first.data), deps),
      processCreation(taskRequest(first.data), deps),
    ]);
    // One claimed it; the other found it busy and asked to be retried later.
    expect(results.filter((r) => r.status === "rejected")).to.have.length.at.most(1);
    await drain(tasks, deps);
    // The retried duplicate is stale by now and does nothing.
    await processCreation(taskRequest(first.data, 1), deps);
    expect((await ref.get()).get("status")).to.equal("draft");
    expect(model.starts).to.equal(1);
    const ledger = await ledgerOf(uid);
    expect(ledger.filter((e) => e.type === "video_generation")).to.have.length(1);
    expect(ledger.filter((e) => e.type === "refund")).to.have.length(0);
  });

  it("[[policy]] fails the creation and refunds it exactly once", async () => {
    const { uid, creationId, ref } = await submitted("forbidden [[policy]]");
    const first = tasks.take()[0];
    tasks.tasks.push(first);
    await drain(tasks, { model: local(), media, settings });
    // A late duplicate delivery after the refund changes nothing.
    await processCreation(taskRequest(first.data, 2), { model: local(), media, settings });
    const creation = (await ref.get()).data()!;
    expect(creation).to.include({ status: "failed", refunded: true, errorKind: "policy" });
    expect(creation.error).to.match(/content policy/i);
    expect(await balanceOf(uid)).to.equal(100);
    const refunds = (await ledgerOf(uid)).filter((e) => e.type === "refund");
    expect(refunds).to.have.length(1);
    expect(refunds[0]).to.include({ id: `${creationId}_refund`, amount: 10 });
  });
});

describe("dead operations and lost claim replies (in process, local model)", () => {
  let tasks: TaskRecorder;
  const local = () => counting(new LocalVideoModel({ renderDelayMs: 200 }));
  before(async () => (tasks = await withTaskRecorder()));
  after(() => tasks.stop());

  async function submittedJob(prompt: string) {
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const { creationId } = await generateVideo(callableRequest({ prompt }, uid));
    return { uid, creationId, ref: db().collection("creations").doc(creationId) };
  }

  it("a finished failed operation starts a fresh generation through the start queue", async () => {
    const { uid, ref } = await submittedJob("a lighthouse [[dead:1]]");
    const model = local();
    const queues: string[] = [];
    const take = tasks.take.bind(tasks);
    tasks.take = () => {
      const taken = take();
      queues.push(...taken.map((t) => t.queue));
      return taken;
    };
    try {
      const deliveries = await drain(tasks, { model, media, settings });
      expect(
        deliveries.filter((d) => d.error),
        "no delivery had to be retried",
      ).to.have.length(0);
    } finally {
      tasks.take = take;
    }
    const creation = (await ref.get()).data()!;
    expect(creation).to.include({ status: "draft", generationRestarts: 1, refunded: false });
    expect(model.starts, "the dead operation, then one fresh generation").to.equal(2);
    expect(
      queues.filter((q) => q === "startGeneration"),
      "both starts kept to the quota",
    ).to.have.length(2);
    expect(await balanceOf(uid)).to.equal(90);
  });

  it("gives up with one refund after MAX_GENERATION_RESTARTS fresh generations", async () => {
    const { uid, creationId, ref } = await submittedJob("a lighthouse [[dead:9]]");
    const model = local();
    await drain(tasks, { model, media, settings });
    const creation = (await ref.get()).data()!;
    expect(creation).to.include({ status: "failed", refunded: true, errorKind: "exhausted" });
    expect(creation.generationRestarts).to.equal(MAX_GENERATION_RESTARTS);
    expect(model.starts).to.equal(MAX_GENERATION_RESTARTS + 1);
    expect(await balanceOf(uid)).to.equal(100);
    const refunds = (await ledgerOf(uid)).filter((e) => e.type === "refund");
    expect(refunds.map((r) => r.id)).to.deep.equal([`${creationId}_refund`]);
  });

  it("a claim whose reply was lost is taken over by the retry once the lease lapses", async () => {
    const { ref, creationId } = await submittedJob("a lost reply");
    const [first] = tasks.take();
    // The claim committed, but the delivery never heard back and failed (Cloud Tasks retries it).
    await claimCreation(creationId, 0, "0:0:lost-reply", Date.now(), 1000);
    expect((await ref.get()).get("leaseOwner")).to.equal("0:0:lost-reply");
    // The retry comes after the first backoff, which is longer than the lease (1 s here).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    tasks.tasks.push(first);
    const short = { ...settings, leaseSeconds: 1 };
    const deliveries = await drain(tasks, { model: local(), media, settings: short });
    expect(deliveries[0]).to.include({ retryCount: 0 });
    expect(deliveries[0].error, "the first retry claims; no busy round").to.equal(undefined);
    expect((await ref.get()).get("status")).to.equal("draft");
  });
});

describe("worker crash recovery with Veo (fake Vertex AI endpoint)", () => {
  let tasks: TaskRecorder;
  let fake: Awaited<ReturnType<typeof startFakeVertex>>;
  before(async () => {
    tasks = await withTaskRecorder();
    fake = await startFakeVertex({ port: 0 });
  });
  after(async () => {
    await tasks.stop();
    await fake.stop();
  });

  it("a worker that dies after the operation started is resumed by the retry: exactly one start", async () => {
    const auth = await createGoogleAuth({
      credentials: fake.serviceAccount(),
      tokenUrl: `${fake.url}/token`,
    });
    const veo = new VeoVideoModel({
      project: "demo-phoenix",
      apiEndpoint: fake.url,
      storageApiEndpoint: fake.url,
      storageUri: "gs://phoenix-veo-tmp/out",
      auth,
    });
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const { creationId } = await generateVideo(
      callableRequest({ prompt: "a crashing worker" }, uid),
    );
    const [first] = tasks.take();

    // The first delivery starts the operation, then "dies": its poll never returns.
    const dying: VideoModel = Object.create(veo);
    dying.poll = () => new Promise(() => undefined);
    const shortLease = { ...settings, leaseSeconds: 1 };
    void processCreation(taskRequest(first.data), { model: dying, media, settings: shortLease });
    const ref = db().collection("creations").doc(creationId);
    const deadline = Date.now() + 20_000;
    while (!(await ref.get()).get("operationName")) {
      if (Date.now() > deadline) throw new Error("operation name was never saved");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fake.stats.starts).to.equal(1);

    // Cloud Tasks retries after the lease ran out: the retry resumes the saved operation.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    tasks.tasks.push(first);
    const deliveries = await drain(tasks, { model: veo, media, settings: shortLease });
    expect(deliveries.filter((d) => d.error)).to.have.length(0);
    const creation = (await ref.get()).data()!;
    expect(creation.status).to.equal("draft");
    expect(fake.stats.starts, "no second paid generation").to.equal(1);
    const stored = await objectBytes(creation.mediaPath);
    expect(stored.length).to.be.greaterThan(1000);
    expect(probeMp4(stored).codec).to.equal("avc1");
  });
});
