import { expect } from "chai";
import { decideSweep } from "../../src/domain/sweep";

describe("sweeper decision", () => {
  const thresholds = { staleAfterMs: 60_000, hardLimitMs: 600_000 };
  const now = 10_000_000;
  const unleased = { leaseOwner: null, leaseExpiresAtMs: null };
  it("leaves fresh and finished creations alone", () => {
    expect(
      decideSweep({ status: "pending", ...unleased }, now - 1000, now - 1000, now, thresholds),
    ).to.equal("none");
    expect(
      decideSweep({ status: "draft", ...unleased }, now - 9e6, now - 9e6, now, thresholds),
    ).to.equal("none");
  });
  it("re-enqueues quiet unleased work", () => {
    expect(
      decideSweep({ status: "pending", ...unleased }, now - 70_000, now - 70_000, now, thresholds),
    ).to.equal("re-enqueue");
    expect(
      decideSweep(
        { status: "processing", ...unleased },
        now - 90_000,
        now - 61_000,
        now,
        thresholds,
      ),
    ).to.equal("re-enqueue");
  });
  it("does not touch work under a live lease until the hard limit", () => {
    const leased = { status: "processing" as const, leaseOwner: "w", leaseExpiresAtMs: now + 5000 };
    expect(decideSweep(leased, now - 70_000, now - 70_000, now, thresholds)).to.equal("none");
    expect(decideSweep(leased, now - 600_000, now, now, thresholds)).to.equal("give-up");
  });
});
