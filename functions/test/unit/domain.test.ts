import { expect } from "chai";
import { requestOf } from "../helpers/requests";
import {
  creationIdFor,
  decideAdmission,
  requestHashOf,
  type AdmissionFacts,
} from "../../src/domain/admission";
import { canCancel, canTransition, isActive, Progress } from "../../src/domain/creation-state";
import { newCreation, type Creation } from "../../src/domain/creation";
import { debitEntry, refundEntry } from "../../src/domain/ledger";
import { MODEL_CHOICES, RESOLUTIONS } from "../../src/contract";
import { pricePerVideo, priceOf, rateOf, TOKENS_PER_SECOND } from "../../src/domain/pricing";
import { decideClaim, isFinalAttempt } from "../../src/domain/worker-step";

describe("pricing", () => {
  it("charges the plan's 10 tokens for the default video (fast) and scales in proportion", () => {
    const table: Array<[4 | 6 | 8, "720p" | "1080p", boolean, number]> = [
      [8, "720p", false, 10],
      [6, "720p", false, 8],
      [4, "720p", false, 5],
      [8, "1080p", false, 15],
      [8, "720p", true, 15],
      [8, "1080p", true, 23],
      [4, "1080p", true, 12],
    ];
    for (const [duration, resolution, generateAudio, cost] of table) {
      expect(
        priceOf({ model: "fast", duration, resolution, generateAudio }),
        `${duration}s ${resolution} audio=${generateAudio}`,
      ).to.equal(cost);
    }
  });

  it("prices each tier from its own row: standard above fast above lite", () => {
    const video = { duration: 8, resolution: "720p", generateAudio: false } as const;
    expect(priceOf({ ...video, model: "standard" })).to.equal(20);
    expect(priceOf({ ...video, model: "lite" })).to.equal(5);
    expect(priceOf({ ...video, model: "standard", generateAudio: true })).to.equal(40);
    expect(priceOf({ ...video, model: "lite", resolution: "1080p", generateAudio: true })).to.equal(
      10,
    );
    expect(rateOf({ model: "lite", resolution: "720p", generateAudio: true })).to.equal(0.75);
  });

  it("keeps every rate exact in binary (a multiple of 1/16) and ordered by tier", () => {
    for (const choice of MODEL_CHOICES) {
      for (const resolution of RESOLUTIONS) {
        const rates = TOKENS_PER_SECOND[choice][resolution];
        for (const rate of [rates.silent, rates.withAudio]) {
          expect(Number.isInteger(rate * 16), `${choice} ${resolution} ${rate}`).to.equal(true);
        }
        expect(rates.withAudio).to.be.at.least(rates.silent);
      }
    }
    for (const resolution of RESOLUTIONS) {
      for (const audio of ["silent", "withAudio"] as const) {
        const rate = (choice: (typeof MODEL_CHOICES)[number]) =>
          TOKENS_PER_SECOND[choice][resolution][audio];
        expect(rate("standard")).to.be.above(rate("fast"));
        expect(rate("fast")).to.be.above(rate("lite"));
      }
    }
  });

  it("rounds each video up to whole tokens", () => {
    expect(
      pricePerVideo({ model: "lite", duration: 6, resolution: "720p", generateAudio: false }),
    ).to.equal(4); // 0.625 × 6 = 3.75
  });
});

describe("admission decision", () => {
  const facts = (over: Partial<AdmissionFacts> = {}): AdmissionFacts => ({
    userId: "u1",
    requestHash: "h1",
    existing: null,
    balance: 50,
    cost: 10,
    activeJobs: 0,
    maxActiveJobs: 3,
    ...over,
  });
  it("accepts when balance and job cap allow", () =>
    expect(decideAdmission(facts()).outcome).to.equal("accept"));
  it("accepts a balance exactly equal to the cost", () =>
    expect(decideAdmission(facts({ balance: 10 })).outcome).to.equal("accept"));
  it("rejects a short balance with required and balance", () => {
    expect(decideAdmission(facts({ balance: 9 }))).to.deep.equal({
      outcome: "reject",
      reason: "insufficient-tokens",
      details: { required: 10, balance: 9 },
    });
  });
  it("rejects past the active job cap", () => {
    const decision = decideAdmission(facts({ activeJobs: 3 }));
    expect(decision).to.include({ outcome: "reject", reason: "too-many-active-jobs" });
  });
  it("replays the same request without charging, even when broke or busy", () => {
    const existing = { userId: "u1", requestHash: "h1" };
    expect(decideAdmission(facts({ existing, balance: 0, activeJobs: 3 })).outcome).to.equal(
      "replay",
    );
  });
  it("refuses a reused key with other parameters", () => {
    const decision = decideAdmission(facts({ existing: { userId: "u1", requestHash: "other" } }));
    expect(decision).to.include({ outcome: "reject", reason: "idempotency-key-reused" });
  });
  it("derives per-user creation ids and order-independent request hashes", () => {
    expect(creationIdFor("u1", "req-12345678")).to.equal(creationIdFor("u1", "req-12345678"));
    expect(creationIdFor("u1", "req-12345678")).not.to.equal(creationIdFor("u2", "req-12345678"));
    expect(creationIdFor("u1", "req-12345678")).to.match(/^[A-Za-z0-9_-]{28}$/);
    expect(requestHashOf({ a: 1, b: 2 })).to.equal(requestHashOf({ b: 2, a: 1 }));
    expect(requestHashOf({ a: 1 })).not.to.equal(requestHashOf({ a: 2 }));
  });
});

describe("creation state machine", () => {
  it("never leaves an end state except draft -> published", () => {
    expect(canTransition("draft", "published")).to.equal(true);
    for (const end of ["published", "failed", "cancelled"] as const) {
      for (const to of [
        "pending",
        "processing",
        "draft",
        "published",
        "failed",
        "cancelled",
      ] as const) {
        expect(canTransition(end, to), `${end}->${to}`).to.equal(false);
      }
    }
    expect(canTransition("draft", "failed")).to.equal(false);
  });
  it("cancels only before a paid generation started", () => {
    expect(canCancel({ status: "pending" })).to.equal(true);
    expect(canCancel({ status: "processing", operationName: "ops/1" })).to.equal(false);
    expect(canCancel({ status: "draft" })).to.equal(false);
    expect(isActive("processing")).to.equal(true);
  });
  it("maps model progress into the rendering band", () => {
    expect(Progress.rendering(0)).to.equal(0.1);
    expect(Progress.rendering(1)).to.be.closeTo(0.9, 1e-9);
    expect(Progress.rendering(7)).to.be.closeTo(0.9, 1e-9);
  });
});

describe("worker claim decision", () => {
  const creation = (over: Partial<Creation> = {}): Creation => ({
    ...newCreation("u1", requestOf(), 10, "h"),
    ...over,
  });
  const now = 1_000_000;
  it("claims a pending creation", () =>
    expect(decideClaim(creation(), 0, now).outcome).to.equal("claim"));
  it("skips missing, finished and stale work", () => {
    expect(decideClaim(null, 0, now)).to.deep.equal({ outcome: "skip", why: "missing" });
    expect(decideClaim(creation({ status: "draft" }), 0, now)).to.deep.equal({
      outcome: "skip",
      why: "finished",
    });
    expect(decideClaim(creation({ status: "failed" }), 3, now)).to.deep.equal({
      outcome: "skip",
      why: "finished",
    });
    expect(decideClaim(creation({ status: "processing", workerStep: 2 }), 1, now)).to.deep.equal({
      outcome: "skip",
      why: "stale",
    });
  });
  it("reports a live lease as busy and takes over an expired one", () => {
    const held = creation({ status: "processing", leaseOwner: "x", leaseExpiresAtMs: now + 1 });
    expect(decideClaim(held, 0, now).outcome).to.equal("busy");
    expect(decideClaim({ ...held, leaseExpiresAtMs: now - 1 }, 0, now).outcome).to.equal("claim");
  });
  it("knows the final attempt", () => {
    expect(isFinalAttempt(2, 4)).to.equal(false);
    expect(isFinalAttempt(3, 4)).to.equal(true);
  });
});

describe("ledger entries", () => {
  it("derive their ids from the creation, so a second debit or refund cannot be written", () => {
    const c = { id: "c1", userId: "u1", cost: 10, prompt: "x".repeat(300) };
    expect(debitEntry(c)).to.deep.include({
      id: "c1_debit",
      type: "video_generation",
      amount: -10,
    });
    expect((debitEntry(c).details.prompt as string).length).to.equal(100);
    expect(refundEntry(c, "policy")).to.deep.include({
      id: "c1_refund",
      type: "refund",
      amount: 10,
    });
  });
});
