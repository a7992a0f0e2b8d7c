import { expect } from "chai";
import { Timestamp } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/https";
import {
  callableRequest,
  setupLocalEnv,
  uniqueUid,
  withTaskRecorder,
} from "../../../test-harness/inprocess";
import type { TaskRecorder } from "../../../test-harness/task-recorder";

setupLocalEnv();
// Loaded after the env is set: params and the Admin SDK read it.
import { generateVideo } from "../../src/handlers/generate-video";
import { balanceOf, creationsOf, db, ledgerOf, setBalance } from "../../../test-harness/firestore";
import { countPending } from "../../src/adapters/creation-store";
import { renderEstimateMs, resetRenderEstimate } from "../../src/adapters/render-estimate";
import { schedule } from "../../src/config/schedule";
import { RENDER_SAMPLE_SIZE } from "../../src/domain/render-estimate";

const submit = (uid: string, data: Record<string, unknown>) =>
  generateVideo(callableRequest(data, uid));

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "accepted";
  } catch (err) {
    if (!(err instanceof HttpsError)) throw err;
    return `${err.code}/${(err.details as { reason?: string } | undefined)?.reason ?? ""}`;
  }
}

describe("generateVideo against the Firestore stand-in", () => {
  let tasks: TaskRecorder;
  before(async () => (tasks = await withTaskRecorder()));
  after(() => tasks.stop());

  it("debits, writes the creation and the ledger entry, and enqueues the first step", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 25);
    const result = await submit(uid, { prompt: "  a red fox in snow  ", duration: 8 });
    expect(result).to.include({ status: "pending", cost: 10, balance: 15 });
    const creation = (await db().collection("creations").doc(result.creationId).get()).data()!;
    expect(creation).to.include({
      userId: uid,
      prompt: "a red fox in snow",
      aspectRatio: "9:16",
      status: "pending",
      cost: 10,
      refunded: false,
    });
    expect(creation.createdAt).to.exist;
    const ledger = (await ledgerOf(uid)).filter((e) => e.type === "video_generation");
    expect(ledger).to.have.length(1);
    expect(ledger[0]).to.include({
      id: `${result.creationId}_debit`,
      type: "video_generation",
      amount: -10,
    });
    expect(tasks.take().map((t) => t.data)).to.deep.include({
      creationId: result.creationId,
      step: 0,
    });
    const user = (await db().collection("users").doc(uid).get()).data()!;
    expect(user).to.include({ tokenBalance: 15, totalTokensSpent: 10 });
  });

  it("creates a missing user with the welcome grant before charging", async () => {
    const uid = uniqueUid();
    const result = await submit(uid, { prompt: "first video" });
    expect(result.balance).to.equal(90);
    const types = (await ledgerOf(uid)).map((e) => `${e.type}:${e.amount}`).sort();
    expect(types).to.deep.equal(["grant:100", "video_generation:-10"]);
  });

  it("a user with tokens for exactly k videos sending many at once gets min(k, cap) accepted", async () => {
    for (const k of [2, 5]) {
      const uid = uniqueUid(`k${k}`);
      await setBalance(uid, k * 10);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => outcome(submit(uid, { prompt: `video ${i}` }))),
      );
      const accepted = results.filter((r) => r === "accepted").length;
      expect(accepted, results.join(",")).to.equal(Math.min(k, 3));
      for (const r of results.filter((x) => x !== "accepted")) {
        expect([
          "failed-precondition/insufficient-tokens",
          "resource-exhausted/too-many-active-jobs",
        ]).to.include(r);
      }
      const balance = await balanceOf(uid);
      expect(balance)
        .to.equal(k * 10 - accepted * 10)
        .and.to.be.at.least(0);
      const ledgerSum = (await ledgerOf(uid)).reduce((sum, e) => sum + e.amount, 0);
      expect(ledgerSum, "ledger sum = balance (fixture grant included)").to.equal(balance);
      expect(await creationsOf(uid)).to.have.length(accepted);
    }
    tasks.take();
  });

  it("20 concurrent replays of one requestId make one creation and one debit", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const data = { prompt: "same request", requestId: "req-12345678", duration: 4 };
    const results = await Promise.all(Array.from({ length: 20 }, () => submit(uid, data)));
    const ids = new Set(results.map((r) => r.creationId));
    expect(ids.size).to.equal(1);
    expect(results.every((r) => r.cost === 5)).to.equal(true);
    expect(await creationsOf(uid)).to.have.length(1);
    expect((await ledgerOf(uid)).filter((e) => e.type === "video_generation")).to.have.length(1);
    expect(await balanceOf(uid)).to.equal(95);
    // The same key with other parameters is refused.
    expect(await outcome(submit(uid, { ...data, duration: 8 }))).to.equal(
      "failed-precondition/idempotency-key-reused",
    );
    tasks.take();
  });

  it("a replay after the job ended answers its current status and the current balance", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 30);
    const data = { prompt: "ended already", requestId: "req-ended-0001", duration: 4 };
    const first = await submit(uid, data);
    expect(first).to.include({ status: "pending", cost: 5, balance: 25 });
    // The worker finished it meanwhile, and the user spent tokens elsewhere.
    await db().collection("creations").doc(first.creationId).update({ status: "draft" });
    await db().collection("users").doc(uid).update({ tokenBalance: 12 });
    expect(await submit(uid, data)).to.deep.equal({
      creationId: first.creationId,
      status: "draft",
      cost: 5,
      balance: 12,
    });
    expect((await ledgerOf(uid)).filter((e) => e.type === "video_generation")).to.have.length(1);
    tasks.take();
  });

  it("refuses without auth, and bad input leaves no document behind", async () => {
    expect(await outcome(generateVideo(callableRequest({ prompt: "x" })))).to.equal(
      "unauthenticated/",
    );
    // Outside the emulator App Check is enforced: an unattested app is refused before anything.
    const unattested = callableRequest({ prompt: "x" }, uniqueUid(), {}, { appCheck: false });
    await withEnv({ FUNCTIONS_EMULATOR: "" }, async () => {
      expect(await outcome(generateVideo(unattested))).to.equal("unauthenticated/");
    });
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const bad = [
      {},
      { prompt: "" },
      { prompt: "   " },
      { prompt: "x".repeat(2001) },
      { prompt: "ok", duration: 5 },
      { prompt: "ok", extra: 1 },
      { prompt: "\ud800" },
      null,
      ["prompt"],
    ];
    for (const data of bad) {
      const err = await generateVideo(callableRequest(data, uid)).catch((e: HttpsError) => e);
      expect(err, JSON.stringify(data)).to.be.instanceOf(HttpsError);
      expect((err as HttpsError).code).to.equal("invalid-argument");
      expect((err as HttpsError).details).to.have.property("fields").that.is.not.empty;
    }
    expect(await creationsOf(uid)).to.have.length(0);
    expect((await ledgerOf(uid)).map((e) => e.type)).to.deep.equal(["grant"]);
    expect(await balanceOf(uid)).to.equal(100);
  });

  /** Runs `body` with these environment values (params read process.env), then restores them. */
  async function withEnv(values: Record<string, string>, body: () => Promise<void>) {
    const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
    Object.assign(process.env, values);
    try {
      await body();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  it("outside the emulator, refuses without Vertex/R2 settings before any charge", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 100);
    tasks.take();
    // A deployed function: no emulator flag, and the local settings' R2 endpoint is plain http.
    await withEnv({ FUNCTIONS_EMULATOR: "", VERTEX_PROJECT: "" }, async () => {
      const err = await submit(uid, { prompt: "a deployed worker without Veo" }).catch(
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(HttpsError);
      expect((err as HttpsError).code).to.equal("failed-precondition");
      expect((err as HttpsError).details).to.deep.equal({ reason: "service-not-configured" });
      // No internals reach the client: the missing settings are only logged.
      expect((err as HttpsError).message).not.to.match(/VERTEX|R2_/);
    });
    expect(await creationsOf(uid)).to.have.length(0);
    expect(await balanceOf(uid)).to.equal(100);
    expect(tasks.take()).to.have.length(0);
  });

  it("charges the chosen tier's price and records the tier and its Vertex AI model", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const standard = await submit(uid, { prompt: "a glacier", model: "standard" });
    const lite = await submit(uid, { prompt: "a glacier", model: "lite", resolution: "1080p" });
    expect([standard.cost, lite.cost]).to.deep.equal([20, 8]);
    expect(await balanceOf(uid)).to.equal(72);
    const doc = async (id: string) => (await db().collection("creations").doc(id).get()).data()!;
    expect(await doc(standard.creationId)).to.include({
      model: "standard",
      veoModel: "veo-3.1-generate-001",
      cost: 20,
    });
    expect(await doc(lite.creationId)).to.include({
      model: "lite",
      veoModel: "veo-3.1-lite-generate-001",
    });
    const err = await submit(uid, { prompt: "a glacier", model: "ultra" }).catch((e: unknown) => e);
    expect((err as HttpsError).code).to.equal("invalid-argument");
    expect((err as { details: { fields: string[] } }).details.fields).to.deep.equal(["model"]);
  });

  it("refuses what the chosen tier's model cannot make, naming the fields, before any charge", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 100);
    await withEnv({ VEO_MODEL_LITE: "veo-2.0-generate-001" }, async () => {
      const fieldsOf = async (data: Record<string, unknown>) => {
        const err = await submit(uid, { prompt: "a lighthouse", model: "lite", ...data }).catch(
          (e: unknown) => e,
        );
        expect(err, JSON.stringify(data)).to.be.instanceOf(HttpsError);
        expect((err as HttpsError).code).to.equal("invalid-argument");
        return (err as { details: { fields: string[] } }).details.fields;
      };
      expect(await fieldsOf({ generateAudio: true })).to.deep.equal(["generateAudio"]);
      expect(await fieldsOf({ duration: 4 })).to.deep.equal(["duration"]);
      expect(await fieldsOf({ resolution: "1080p" })).to.deep.equal(["resolution"]);
      // The other tiers keep their own models.
      const fast = await submit(uid, { prompt: "a lighthouse", duration: 4, generateAudio: true });
      expect(fast.cost).to.equal(8);
    });
    expect(await creationsOf(uid)).to.have.length(1);
    expect(await balanceOf(uid)).to.equal(92);
  });

  it("admits only the backlog the start quota can serve before the hard limit; replays still answer", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const ahead = await countPending();
    // Room for exactly one more: (hard limit 120 s - finish budget 60 s) at ahead + 1 starts/min.
    const limits = {
      VEO_STARTS_PER_MINUTE: String(ahead + 1),
      SWEEP_HARD_LIMIT_SECONDS: "120",
      ADMISSION_FINISH_BUDGET_SECONDS: "60",
    };
    await withEnv(limits, async () => {
      const first = await submit(uid, {
        prompt: "first in a full queue",
        requestId: "queue-full-1",
      });
      const doc = (await db().collection("creations").doc(first.creationId).get()).data()!;
      expect(doc.queuePosition).to.equal(ahead + 1);
      expect((doc.estimatedReadyAt as Timestamp).toMillis()).to.be.greaterThan(Date.now());

      const err = await submit(uid, { prompt: "one too many" }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(HttpsError);
      expect((err as HttpsError).code).to.equal("resource-exhausted");
      expect((err as HttpsError).details).to.deep.include({
        reason: "queue-full",
        pending: ahead + 1,
      });
      expect(
        (err as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds,
      ).to.be.greaterThan(0);

      // The client's retry of the accepted request is answered, not refused as queue-full.
      const replay = await submit(uid, {
        prompt: "first in a full queue",
        requestId: "queue-full-1",
      });
      expect(replay.creationId).to.equal(first.creationId);
    });
    expect(await creationsOf(uid)).to.have.length(1);
    expect(await balanceOf(uid)).to.equal(90);
  });

  it("keeps the job when the enqueue fails: flagged for the sweeper, charged once", async () => {
    const uid = uniqueUid();
    await setBalance(uid, 30);
    tasks.failing = true;
    try {
      const result = await submit(uid, { prompt: "queue is down" });
      const creation = (await db().collection("creations").doc(result.creationId).get()).data()!;
      expect(creation).to.include({ status: "pending", enqueueFailed: true });
      expect(await balanceOf(uid)).to.equal(20);
    } finally {
      tasks.failing = false;
    }
  });
});

describe("ETA from measured render times (estimatedReadyAt)", () => {
  let tasks: TaskRecorder;
  const planted: string[] = [];
  before(async () => (tasks = await withTaskRecorder()));
  after(async () => {
    await tasks.stop();
    await Promise.all(planted.map((id) => db().doc(`creations/${id}`).delete()));
    resetRenderEstimate();
  });

  /** Finished creations, newer than anything else in the database (completedAt ahead of now). */
  async function finished(generationTimes: number[], aheadMs: number): Promise<void> {
    const userId = uniqueUid("render-estimate");
    await Promise.all(
      generationTimes.map(async (generationTime, i) => {
        const ref = db().collection("creations").doc();
        planted.push(ref.id);
        await ref.set({
          userId,
          status: "draft",
          generationTime,
          completedAt: Timestamp.fromMillis(Date.now() + aheadMs + i),
        });
      }),
    );
  }

  it("is the median generationTime of the latest finished creations, read once per period", async () => {
    resetRenderEstimate();
    // Older measurements that the latest sample pushes out.
    await finished([500, 500, 500, 500, 500], 86_400_000);
    await finished(
      Array.from({ length: RENDER_SAMPLE_SIZE }, (_, i) => 3 + i),
      2 * 86_400_000,
    );
    expect(await renderEstimateMs()).to.equal(12_500);
    // Cached for the instance: newer drafts do not cost a read on every submission.
    await finished(
      Array.from({ length: RENDER_SAMPLE_SIZE }, () => 40),
      3 * 86_400_000,
    );
    expect(await renderEstimateMs()).to.equal(12_500);
    resetRenderEstimate();
    expect(await renderEstimateMs()).to.equal(40_000);
  });

  it("a submission's estimatedReadyAt is its start in the queue plus the measured render time", async () => {
    resetRenderEstimate();
    await finished(
      Array.from({ length: RENDER_SAMPLE_SIZE }, () => 7),
      4 * 86_400_000,
    );
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const before = Date.now();
    const { creationId } = await generateVideo(
      callableRequest({ prompt: "an ETA", duration: 4 }, uid),
    );
    const after = Date.now();
    const doc = await db().doc(`creations/${creationId}`).get();
    const position = doc.get("queuePosition") as number;
    const waitMs = (position * 60_000) / schedule().perMinute.starts;
    const readyAt = (doc.get("estimatedReadyAt") as Timestamp).toMillis();
    expect(readyAt).to.be.within(before + waitMs + 7000, after + waitMs + 7000);
  });
});
