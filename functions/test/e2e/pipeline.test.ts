// The generation pipeline through the real emulators: callable protocol with Auth-emulator
// ID tokens, real Cloud Tasks emulator dispatch and retries, the local model, the S3 server.
import { expect } from "chai";
import type { CreationMedia, MediaUrlResult, PublishCreationResult } from "../../src/contract";
import { jpegSize } from "../helpers/jpeg";
import { getFunctions } from "firebase-admin/functions";
import { callFunction, type CallableError } from "../../../test-harness/callable";
import { createUser } from "../../../test-harness/emulators";
import { probeMp4 } from "../helpers/mp4";
import {
  balanceOf,
  db,
  endState,
  ledgerOf,
  localGenerationsFor,
  signedUpUser,
  storedObject,
  submit,
} from "../../../test-harness/pipeline";

describe("e2e: generateVideo → Cloud Tasks → worker → R2", function () {
  this.timeout(180_000);

  it("rejects anonymous callers and bad input with the contract's codes", async () => {
    const anonymous = await callFunction("generateVideo", { prompt: "x" }).catch(
      (e: CallableError) => e,
    );
    expect((anonymous as CallableError).code).to.equal("unauthenticated");
    const user = await createUser();
    const bad = await callFunction(
      "generateVideo",
      { prompt: "x", duration: 5, extra: true },
      user.idToken,
    ).catch((e: CallableError) => e);
    expect((bad as CallableError).code).to.equal("invalid-argument");
    expect((bad as CallableError).details).to.deep.equal({ fields: ["duration", "extra"] });
  });

  it("makes a draft with a playable MP4 of the requested duration and aspect ratio", async () => {
    const user = await signedUpUser();
    const seen: string[] = [];
    const result = await submit(user, {
      prompt: "a paper lantern drifting over a lake",
      aspectRatio: "16:9",
      duration: 4,
    });
    expect(result).to.include({ status: "pending", cost: 5, balance: 95 });
    const unsubscribe = db()
      .doc(`creations/${result.creationId}`)
      .onSnapshot((snap) => {
        const status = snap.get("status") as string;
        if (seen.at(-1) !== status) seen.push(status);
      });
    const done = await endState(result.creationId);
    unsubscribe();
    expect(done.get("status")).to.equal("draft");
    expect(done.get("progress")).to.equal(1);
    expect(done.get("retryCount")).to.equal(0);
    expect(seen.at(-1)).to.equal("draft");
    const video = probeMp4(await storedObject(done.get("mediaPath") as string));
    expect(video.codec).to.equal("avc1");
    expect(video.durationSeconds).to.be.closeTo(4, 0.25);
    expect(video.width / video.height).to.be.closeTo(16 / 9, 0.05);
    const download = await fetch(done.get("mediaUrl") as string);
    expect(download.status, "the owner's presigned link works").to.equal(200);
    expect(await balanceOf(user.uid)).to.equal(95);
    expect(done.get("enhancedPrompt"), "no rewrite unless asked for").to.equal(undefined);
  });

  it("enhancePrompt: the model's rewritten prompt is stored on the draft, at no extra cost", async () => {
    const user = await signedUpUser();
    const prompt = "a paper lantern drifting over a lake";
    const result = await submit(user, { prompt, duration: 4, enhancePrompt: true });
    expect(result).to.include({ status: "pending", cost: 5 });
    const done = await endState(result.creationId);
    expect(done.get("status")).to.equal("draft");
    expect(done.get("prompt")).to.equal(prompt);
    expect(done.get("enhancePrompt")).to.equal(true);
    const enhanced = done.get("enhancedPrompt") as string;
    expect(enhanced.startsWith(prompt), enhanced).to.equal(true);
    expect(enhanced.length).to.be.greaterThan(prompt.length);
  });

  it("three lite videos, one filtered: two delivered, the third refunded once; publish and delete take all", async () => {
    const user = await signedUpUser();
    // lite, 4 s, 720p: 0.625 tokens/s → 3 tokens a video, 9 for three.
    const { creationId, cost } = await submit(user, {
      prompt: "three paper kites [[filtered:1]]",
      model: "lite",
      duration: 4,
      sampleCount: 3,
    });
    expect(cost).to.equal(9);
    const done = await endState(creationId);
    expect(done.data()).to.deep.include({
      status: "draft",
      model: "lite",
      veoModel: "veo-3.1-lite-generate-001",
      refunded: false,
      refundedTokens: 3,
      undelivered: [
        {
          index: 2,
          reason: "filtered",
          category: "unknown",
          message: "The video was blocked by the content policy.",
        },
      ],
    });
    const media = done.get("media") as CreationMedia[];
    expect(media).to.have.length(2);
    for (const video of media) {
      expect(probeMp4(await storedObject(video.path)).codec).to.equal("avc1");
      expect((await fetch(video.url!)).status, "each video's presigned link works").to.equal(200);
      // Its poster and spritesheet, private while draft.
      expect(jpegSize(await storedObject(video.posterPath!)).width).to.equal(360);
      expect(jpegSize(await storedObject(video.spritePath!)).width).to.equal(640);
      expect((await fetch(video.posterUrl!)).status).to.equal(200);
    }
    expect((await ledgerOf(user.uid)).filter((e) => e.type === "refund")).to.deep.equal([
      { id: `${creationId}_refund_2`, type: "refund", amount: 3 },
    ]);
    expect(await balanceOf(user.uid)).to.equal(94);
    const links = await callFunction<MediaUrlResult>("getMediaUrl", { creationId }, user.idToken);
    expect(links.result.media).to.have.length(2);
    expect(links.result.media[1].posterUrl).to.include(".poster.jpg");
    const { result: published } = await callFunction<PublishCreationResult>(
      "publishCreation",
      { creationId },
      user.idToken,
    );
    expect((await fetch(published.mediaUrl)).status).to.equal(200);
    // Published: every video, poster and spritesheet public; the feed shows the first poster.
    const publicMedia = (await db().doc(`creations/${creationId}`).get()).get(
      "media",
    ) as CreationMedia[];
    const publicUrls = publicMedia.flatMap((m) => [m.url!, m.posterUrl!, m.spriteUrl!]);
    expect(publicUrls).to.have.length(6);
    for (const url of publicUrls) expect((await fetch(url)).status, url).to.equal(200);
    const feed = await db().doc(`publicCreations/${creationId}`).get();
    expect(feed.get("posterUrl")).to.equal(publicMedia[0].posterUrl);
    await callFunction("deleteCreation", { creationId }, user.idToken);
    for (const url of publicUrls) expect((await fetch(url)).status, url).to.equal(404);
  });

  it("[[policy]] ends failed and refunded once, balance restored", async () => {
    const user = await signedUpUser();
    const { creationId } = await submit(user, { prompt: "something forbidden [[policy]]" });
    const done = await endState(creationId);
    expect(done.data()).to.include({
      status: "failed",
      refunded: true,
      errorKind: "policy",
      filterCategory: "unknown",
    });
    expect(done.get("error")).to.match(/content policy/i);
    expect(await balanceOf(user.uid)).to.equal(100);
    expect((await ledgerOf(user.uid)).filter((e) => e.type === "refund")).to.deep.equal([
      { id: `${creationId}_refund`, type: "refund", amount: 10 },
    ]);
  });

  it("[[policy:minors]] says why in plain words, never with the support code", async () => {
    const user = await signedUpUser();
    const { creationId } = await submit(user, { prompt: "a school trip [[policy:minors]]" });
    const done = await endState(creationId);
    expect(done.data()).to.include({ status: "failed", refunded: true, filterCategory: "minors" });
    expect(done.get("error")).to.equal(
      "Videos showing children can't be generated. Your tokens were refunded; try rewording the prompt.",
    );
    expect(done.get("errorDetails.supportCodes")).to.deep.equal(["17301594"]); // Child, for operators
  });

  it("[[transient:2]] is retried by Cloud Tasks and ends as a draft with retryCount 2, lastError cleared", async () => {
    const user = await signedUpUser();
    const { creationId } = await submit(user, {
      prompt: "flaky model [[transient:2]]",
      duration: 4,
    });
    const done = await endState(creationId);
    expect(done.data()).to.include({ status: "draft", retryCount: 2, refunded: false });
    // Raw model errors are for operators while it runs; a delivered video carries none.
    expect(done.get("lastError")).to.equal(null);
    expect(await localGenerationsFor(creationId)).to.equal(1);
  });

  it("[[transient:99]] fails and refunds after the last attempt", async () => {
    const user = await signedUpUser();
    const { creationId } = await submit(user, {
      prompt: "never recovers [[transient:99]]",
      duration: 4,
    });
    const done = await endState(creationId);
    expect(done.data()).to.include({
      status: "failed",
      refunded: true,
      errorKind: "exhausted",
      retryCount: 3,
    });
    expect(await balanceOf(user.uid)).to.equal(100);
    expect((await ledgerOf(user.uid)).filter((e) => e.type === "refund")).to.have.length(1);
  });

  it("[[permanent]] fails and refunds with no retry", async () => {
    const user = await signedUpUser();
    const { creationId } = await submit(user, { prompt: "invalid request [[permanent]]" });
    const done = await endState(creationId);
    expect(done.data()).to.include({
      status: "failed",
      refunded: true,
      errorKind: "invalid",
      retryCount: 0,
    });
    expect(await balanceOf(user.uid)).to.equal(100);
  });

  it("the same task delivered twice at once: one video, one debit, no refund", async () => {
    const user = await signedUpUser();
    const { creationId } = await submit(user, {
      prompt: "delivered twice [[slow:1500]]",
      duration: 4,
    });
    // Two more deliveries of step 0 under other task ids, dispatched alongside the original.
    const queue = getFunctions().taskQueue("startGeneration");
    await Promise.all([
      queue.enqueue({ creationId, step: 0 }, { id: `${creationId}-dup-a` }),
      queue.enqueue({ creationId, step: 0 }, { id: `${creationId}-dup-b` }),
    ]);
    const done = await endState(creationId);
    expect(done.data()).to.include({ status: "draft", refunded: false });
    expect(await localGenerationsFor(creationId)).to.equal(1);
    const ledger = await ledgerOf(user.uid);
    expect(ledger.filter((e) => e.type === "video_generation")).to.have.length(1);
    expect(ledger.filter((e) => e.type === "refund")).to.have.length(0);
  });

  it("refuses a submission beyond the balance with insufficient-tokens details", async () => {
    const user = await signedUpUser();
    await db().doc(`users/${user.uid}`).update({ tokenBalance: 3 });
    await db()
      .collection("transactions")
      .doc(`fixture_${user.uid}`)
      .set({
        userId: user.uid,
        type: "grant",
        amount: -97,
        details: { reason: "test fixture" },
        timestamp: new Date(),
      });
    const err = await submit(user, { prompt: "too expensive" }).catch((e: CallableError) => e);
    expect((err as CallableError).code).to.equal("failed-precondition");
    expect((err as CallableError).details).to.deep.equal({
      reason: "insufficient-tokens",
      required: 10,
      balance: 3,
    });
  });
});
