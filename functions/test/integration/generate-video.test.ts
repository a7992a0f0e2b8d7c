import { expect } from "chai";
import { HttpsError } from "firebase-functions/v2/https";
import { callableRequest, setupLocalEnv, uniqueUid, withTaskRecorder } from "../helpers/inprocess";
import type { TaskRecorder } from "../helpers/task-recorder";

setupLocalEnv();
// Loaded after the env is set: params and the Admin SDK read it.
import { generateVideo } from "../../src/handlers/generate-video";
import { balanceOf, creationsOf, db, ledgerOf, setBalance } from "../helpers/firestore";

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
    expect(await outcome(generateVideo(unattested))).to.equal("unauthenticated/");
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
