import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import type { Timestamp } from "firebase-admin/firestore";
import { errorCode } from "../helpers/errors";
import {
  callableRequest,
  setupLocalEnv,
  signUpRecord,
  uniqueUid,
  withTaskRecorder,
} from "../../../test-harness/inprocess";
import type { TaskRecorder } from "../../../test-harness/task-recorder";

setupLocalEnv();
import { generateVideo } from "../../src/handlers/generate-video";
import {
  cancelCreation,
  deleteCreation,
  getMediaUrl,
  publishCreation,
  type LifecycleDeps,
} from "../../src/handlers/creation-lifecycle";
import { refreshQueuePositions, sweepCreations } from "../../src/handlers/sweeper";
import { welcomeUser } from "../../src/handlers/welcome-user";
import { processCreation } from "../../src/handlers/process-creation";
import { MediaStore } from "../../src/adapters/media-store";
import { LocalVideoModel } from "../../src/models/local-model";
import { drain, taskRequest } from "../../../test-harness/dispatch";
import { balanceOf, db, ledgerOf, setBalance } from "../../../test-harness/firestore";

const env = process.env as Record<string, string>;
const media = new MediaStore({
  endpoint: env.R2_ENDPOINT,
  accessKeyId: env.R2_ACCESS_KEY_ID,
  secretAccessKey: env.R2_SECRET_ACCESS_KEY,
  bucket: env.R2_BUCKET,
  publicBucket: env.R2_PUBLIC_BUCKET,
  publicUrl: env.R2_PUBLIC_URL,
});
const s3 = new S3Client({
  endpoint: env.R2_ENDPOINT,
  region: "auto",
  forcePathStyle: true,
  credentials: { accessKeyId: env.R2_ACCESS_KEY_ID, secretAccessKey: env.R2_SECRET_ACCESS_KEY },
});
const deps: LifecycleDeps = { media: async () => media, mediaUrlTtlSeconds: () => 600 };
const worker = () => ({
  model: new LocalVideoModel({ renderDelayMs: 200 }),
  media,
  settings: { leaseSeconds: 30, pollIntervalSeconds: 0, maxAttempts: 4, mediaUrlTtlSeconds: 600 },
});

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

describe("creation lifecycle and sweeper (in process)", () => {
  let tasks: TaskRecorder;
  before(async () => (tasks = await withTaskRecorder()));
  after(() => tasks.stop());

  async function submit(uid: string, prompt = "lifecycle") {
    const { creationId } = await generateVideo(callableRequest({ prompt }, uid));
    return creationId;
  }
  async function draftFor(uid: string) {
    const id = await submit(uid);
    await drain(tasks, worker());
    expect((await db().collection("creations").doc(id).get()).get("status")).to.equal("draft");
    return id;
  }

  it("publish: owner only, draft only, repeatable; media becomes public", async () => {
    const [owner, other] = [uniqueUid("owner"), uniqueUid("other")];
    await setBalance(owner, 100);
    const id = await draftFor(owner);
    const ref = { creationId: id };
    expect(await errorCode(publishCreation(callableRequest(ref), deps))).to.equal(
      "unauthenticated",
    );
    expect(await errorCode(publishCreation(callableRequest(ref, other), deps))).to.equal(
      "not-found",
    );
    const result = await publishCreation(callableRequest(ref, owner, { name: "Ada" }), deps);
    expect(result).to.include({ creationId: id, status: "published" });
    expect(result.mediaUrl).to.equal(`${env.R2_PUBLIC_URL}/videos/${owner}/${id}.mp4`);
    const doc = (await db().collection("creations").doc(id).get()).data()!;
    expect(doc).to.include({ status: "published", mediaUrl: result.mediaUrl });
    expect(doc.publishedAt).to.exist;
    expect(await exists(env.R2_PUBLIC_BUCKET, `videos/${owner}/${id}.mp4`)).to.equal(true);
    // Others read the public projection: what a feed needs, nothing internal.
    const projection = (await db().collection("publicCreations").doc(id).get()).data()!;
    expect(Object.keys(projection).sort()).to.deep.equal(
      [
        "aspectRatio",
        "creationId",
        "creatorName",
        "duration",
        "mediaUrl",
        "posterUrl",
        "prompt",
        "publishedAt",
      ].sort(),
    );
    expect(projection).to.include({
      creationId: id,
      mediaUrl: result.mediaUrl,
      creatorName: "Ada",
    });
    const again = await publishCreation(callableRequest(ref, owner), deps);
    expect(again.mediaUrl).to.equal(result.mediaUrl);
    // Anyone signed in may fetch a published creation's public link.
    expect((await getMediaUrl(callableRequest(ref, other), deps)).expiresAt).to.equal(null);
  });

  it("publish refuses a failed creation; getMediaUrl gives the owner a fresh private link", async () => {
    const owner = uniqueUid("owner");
    await setBalance(owner, 100);
    const failed = await submit(owner, "nope [[permanent]]");
    await drain(tasks, worker());
    expect(
      await errorCode(publishCreation(callableRequest({ creationId: failed }, owner), deps)),
    ).to.equal("failed-precondition");
    const draft = await draftFor(owner);
    expect(
      await errorCode(getMediaUrl(callableRequest({ creationId: draft }, uniqueUid("x")), deps)),
    ).to.equal("not-found");
    expect(await errorCode(getMediaUrl(callableRequest({ creationId: draft }), deps))).to.equal(
      "unauthenticated",
    );
    const link = await getMediaUrl(callableRequest({ creationId: draft }, owner), deps);
    expect(Date.parse(link.expiresAt!)).to.be.greaterThan(Date.now());
    const res = await fetch(link.mediaUrl);
    expect(res.status).to.equal(200);
    expect((await res.arrayBuffer()).byteLength).to.be.greaterThan(1000);
  });

  it("cancel: owner only, pending only, refunded once; a late task does nothing", async () => {
    const [owner, other] = [uniqueUid("owner"), uniqueUid("other")];
    await setBalance(owner, 100);
    const id = await submit(owner);
    const [task] = tasks.take();
    const ref = { creationId: id };
    expect(await errorCode(cancelCreation(callableRequest(ref)))).to.equal("unauthenticated");
    expect(await errorCode(cancelCreation(callableRequest(ref, other)))).to.equal("not-found");
    expect(await cancelCreation(callableRequest(ref, owner))).to.deep.equal({
      creationId: id,
      status: "cancelled",
      refunded: true,
    });
    expect(await cancelCreation(callableRequest(ref, owner))).to.deep.equal({
      creationId: id,
      status: "cancelled",
      refunded: true,
    });
    await processCreation(taskRequest(task.data), worker());
    expect((await db().collection("creations").doc(id).get()).get("status")).to.equal("cancelled");
    expect(await balanceOf(owner)).to.equal(100);
    expect((await ledgerOf(owner)).filter((e) => e.type === "refund")).to.have.length(1);
    // Once generating, cancel is refused: the model cannot be stopped and still bills.
    const started = await draftFor(owner);
    expect(
      await errorCode(cancelCreation(callableRequest({ creationId: started }, owner))),
    ).to.equal("failed-precondition");
  });

  it("delete: owner only, finished only; removes the object and the document, keeps the ledger", async () => {
    const [owner, other] = [uniqueUid("owner"), uniqueUid("other")];
    await setBalance(owner, 100);
    const id = await draftFor(owner);
    const key = `videos/${owner}/${id}.mp4`;
    const pending = await submit(owner);
    expect(
      await errorCode(deleteCreation(callableRequest({ creationId: pending }, owner), deps)),
    ).to.equal("failed-precondition");
    tasks.take();
    expect(await errorCode(deleteCreation(callableRequest({ creationId: id }), deps))).to.equal(
      "unauthenticated",
    );
    expect(
      await errorCode(deleteCreation(callableRequest({ creationId: id }, other), deps)),
    ).to.equal("not-found");
    expect(await deleteCreation(callableRequest({ creationId: id }, owner), deps)).to.deep.equal({
      creationId: id,
      deleted: true,
    });
    expect((await db().collection("creations").doc(id).get()).exists).to.equal(false);
    expect(await exists(env.R2_BUCKET, key)).to.equal(false);
    expect((await ledgerOf(owner)).some((e) => e.id === `${id}_debit`)).to.equal(true);
    await s3.send(new GetObjectCommand({ Bucket: env.R2_BUCKET, Key: key })).then(
      () => expect.fail("object still there"),
      () => undefined,
    );
  });

  /** The media store with a pause before each copy or removal, to interleave publish and delete. */
  function slowMedia(pauseMs: () => number, failPublishAfterCopy = false): LifecycleDeps {
    const pause = () => new Promise((resolve) => setTimeout(resolve, pauseMs()));
    const slow = Object.create(media) as MediaStore;
    slow.publish = async (key) => {
      await pause();
      const url = await media.publish(key);
      if (failPublishAfterCopy) throw new Error("reply lost after the copy");
      return url;
    };
    slow.remove = async (key) => {
      await pause();
      await media.remove(key);
    };
    return { media: async () => slow, mediaUrlTtlSeconds: () => 600 };
  }

  it("publish racing delete: a deleted creation never leaves a public object or feed entry", async () => {
    const owner = uniqueUid("racer");
    await setBalance(owner, 1000);
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const id = await draftFor(owner);
      const key = `videos/${owner}/${id}.mp4`;
      const racing = slowMedia(() => Math.random() * 40);
      const ref = { creationId: id };
      const [published, deleted] = await Promise.allSettled([
        publishCreation(callableRequest(ref, owner), racing),
        deleteCreation(callableRequest(ref, owner), racing),
      ]);
      outcomes.push(`${published.status}/${deleted.status}`);
      const doc = await db().collection("creations").doc(id).get();
      const feed = await db().collection("publicCreations").doc(id).get();
      const publicObject = await exists(env.R2_PUBLIC_BUCKET, key);
      if (!doc.exists) {
        expect({ publicObject, feed: feed.exists }, `round ${round}`).to.deep.equal({
          publicObject: false,
          feed: false,
        });
      } else {
        const isPublished = doc.get("status") === "published";
        expect({ publicObject, feed: feed.exists }, `round ${round}`).to.deep.equal({
          publicObject: isPublished,
          feed: isPublished,
        });
        expect(doc.get("mediaOp") ?? null, `round ${round}: lease left behind`).to.equal(null);
      }
      // Whatever the race did, a delete afterwards removes everything.
      if (doc.exists) await deleteCreation(callableRequest(ref, owner), deps);
      expect(await exists(env.R2_PUBLIC_BUCKET, key)).to.equal(false);
      expect((await db().collection("publicCreations").doc(id).get()).exists).to.equal(false);
    }
    // Each round ends in one of the outcomes a user can see; none leaks.
    expect(outcomes).to.have.length(8);
  });

  it("a publish that fails after its copy leaves no public object and frees the creation", async () => {
    const owner = uniqueUid("failpub");
    await setBalance(owner, 100);
    const id = await draftFor(owner);
    const key = `videos/${owner}/${id}.mp4`;
    const ref = { creationId: id };
    expect(
      await errorCode(
        publishCreation(
          callableRequest(ref, owner),
          slowMedia(() => 0, true),
        ),
      ),
    ).to.equal("internal");
    expect(await exists(env.R2_PUBLIC_BUCKET, key)).to.equal(false);
    expect((await db().collection("creations").doc(id).get()).get("status")).to.equal("draft");
    // The lease was released: a retry publishes at once.
    expect(await publishCreation(callableRequest(ref, owner), deps)).to.include({
      status: "published",
    });
  });

  it("the unfinished-jobs counter admission reads follows every start and end", async () => {
    const owner = uniqueUid("counter");
    await welcomeUser(signUpRecord(owner));
    const activeJobs = async () =>
      (await db().collection("users").doc(owner).get()).get("activeJobs") as number;
    expect(await activeJobs()).to.equal(0);
    const [a, b] = [await submit(owner, "one"), await submit(owner, "two")];
    const failing = await submit(owner, "three [[permanent]]");
    expect(await activeJobs()).to.equal(3);
    expect(await errorCode(generateVideo(callableRequest({ prompt: "four" }, owner)))).to.equal(
      "resource-exhausted",
    );
    await cancelCreation(callableRequest({ creationId: a }, owner)); // refund: one fewer
    expect(await activeJobs()).to.equal(2);
    await drain(tasks, worker()); // b -> draft, the [[permanent]] one -> failed and refunded
    const statuses = await Promise.all(
      [b, failing].map(
        async (id) => (await db().collection("creations").doc(id).get()).get("status") as string,
      ),
    );
    expect(statuses).to.deep.equal(["draft", "failed"]);
    expect(await activeJobs()).to.equal(0);
  });

  it("a submission whose enqueue failed reaches draft through the sweeper", async () => {
    const owner = uniqueUid("owner");
    await setBalance(owner, 100);
    tasks.failing = true;
    const id = await submit(owner, "lost enqueue").finally(() => (tasks.failing = false));
    expect(tasks.take()).to.have.length(0);
    const mine = () =>
      tasks.tasks.filter((t) => (t.data as { creationId: string }).creationId === id);
    // Not yet stale: nothing happens to it.
    await sweepCreations({ staleAfterMs: 60_000, hardLimitMs: 600_000 });
    expect(mine()).to.have.length(0);
    await sweepCreations({ staleAfterMs: 60_000, hardLimitMs: 600_000 }, Date.now() + 61_000);
    // Its first step, under its original task id: it never reached the queue.
    expect(mine().map((t) => t.data)).to.deep.equal([{ creationId: id, step: 0 }]);
    await drain(tasks, worker());
    const doc = (await db().collection("creations").doc(id).get()).data()!;
    expect(doc.status).to.equal("draft");
    expect(doc.enqueueFailed).to.equal(false);
  });

  it("a job waiting its turn in the start queue gets no second task from the sweeper", async () => {
    const owner = uniqueUid("owner");
    await setBalance(owner, 100);
    const id = await submit(owner, "waiting in a long queue");
    const queued = tasks.take();
    expect(queued.map((t) => t.data)).to.deep.equal([{ creationId: id, step: 0 }]);
    // Far past the stale threshold, with no rate allowance: it looks lost, but its task is
    // still queued (same id), so Cloud Tasks refuses the copy and no dispatch is spent on it.
    const report = await sweepCreations(
      { staleAfterMs: 60_000, hardLimitMs: 600_000 },
      Date.now() + 61_000,
    );
    expect(report.reEnqueued).to.equal(0);
    expect(tasks.take()).to.have.length(0);
    const doc = (await db().collection("creations").doc(id).get()).data()!;
    expect(doc).to.include({ status: "pending", workerStep: 0 });
    tasks.tasks.push(...queued);
    await drain(tasks, worker());
    expect((await db().collection("creations").doc(id).get()).get("status")).to.equal("draft");
  });

  it("keeps queue positions and ready times of waiting jobs current as the queue moves", async () => {
    const owner = uniqueUid("owner");
    await setBalance(owner, 100);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push(await submit(owner, `waiting ${n}`));
    const queued = tasks.take();
    const read = async () =>
      Promise.all(
        ids.map(async (id) => (await db().collection("creations").doc(id).get()).data()!),
      );
    await refreshQueuePositions(60, 1000);
    const before = (await read()).map((c) => c.queuePosition as number);
    expect(before[1]).to.equal(before[0] + 1);
    expect(before[2]).to.equal(before[0] + 2);
    // The first one starts: it leaves the queue and the others move up by one.
    await processCreation(taskRequest(queued[0].data), worker());
    const now = Date.now();
    await refreshQueuePositions(60, 1000, now);
    const after = await read();
    expect(after[0].queuePosition).to.equal(null);
    expect(after.slice(1).map((c) => c.queuePosition as number)).to.deep.equal([
      before[0],
      before[1],
    ]);
    // At 60 starts a minute, position p starts in about p seconds, then renders for 1 s.
    expect((after[1].estimatedReadyAt as Timestamp).toMillis()).to.equal(
      now + before[0] * 1000 + 1000,
    );
    tasks.tasks.push(...queued.slice(1));
    await drain(tasks, worker());
  });

  it("a sweeper pass racing a worker on the same creation never double-refunds", async () => {
    const owner = uniqueUid("owner");
    await setBalance(owner, 100);
    for (let round = 0; round < 5; round++) {
      const id = await submit(owner, `race ${round} [[slow:50]]`);
      const [task] = tasks.take();
      const future = Date.now() + 3_600_000; // past the hard limit
      await Promise.allSettled([
        processCreation(taskRequest(task.data), worker()),
        sweepCreations({ staleAfterMs: 60_000, hardLimitMs: 600_000 }, future),
        sweepCreations({ staleAfterMs: 60_000, hardLimitMs: 600_000 }, future),
      ]);
      await drain(tasks, worker());
      const doc = (await db().collection("creations").doc(id).get()).data()!;
      const refunds = (await ledgerOf(owner)).filter(
        (e) => e.type === "refund" && e.details.creationId === id,
      );
      expect(["failed", "draft"]).to.include(doc.status);
      expect(refunds.length).to.equal(doc.status === "failed" ? 1 : 0);
      expect(doc.refunded).to.equal(doc.status === "failed");
      if (doc.status === "failed")
        expect(await exists(env.R2_BUCKET, `videos/${owner}/${id}.mp4`)).to.equal(false);
    }
    const ledgerSum = (await ledgerOf(owner)).reduce((total, e) => total + e.amount, 0);
    expect(ledgerSum).to.equal(await balanceOf(owner));
  });
});
