import { expect } from "chai";
import { decideSweep, expectedStartWaitMs, taskRetryWindowMs } from "../../src/domain/sweep";

describe("sweeper decision", () => {
  const thresholds = { staleAfterMs: 60_000, hardLimitMs: 600_000 };
  const now = 10_000_000;
  const quiet = { leaseOwner: null, leaseExpiresAtMs: null, enqueueFailed: false };
  const pending = { status: "pending" as const, ...quiet, operationName: null };
  const running = { status: "processing" as const, ...quiet, operationName: "op" };

  it("leaves fresh and finished creations alone", () => {
    expect(decideSweep(pending, now - 1000, now - 1000, now, thresholds)).to.equal("none");
    expect(
      decideSweep({ ...pending, status: "draft" }, now - 9e6, now - 9e6, now, thresholds),
    ).to.equal("none");
  });

  it("enqueues a quiet job's current task again under its own id first", () => {
    expect(decideSweep(pending, now - 70_000, now - 70_000, now, thresholds)).to.equal(
      "re-enqueue-same",
    );
    expect(decideSweep(running, now - 90_000, now - 61_000, now, thresholds)).to.equal(
      "re-enqueue-same",
    );
  });

  it("gives a new step only to a job quiet for twice the stale threshold (its task was dropped)", () => {
    expect(decideSweep(running, now - 200_000, now - 120_000, now, thresholds)).to.equal(
      "re-enqueue",
    );
    expect(decideSweep(pending, now - 200_000, now - 120_000, now, thresholds)).to.equal(
      "re-enqueue",
    );
  });

  it("does not touch work under a live lease until the hard limit", () => {
    const leased = { ...running, leaseOwner: "w", leaseExpiresAtMs: now + 5000 };
    expect(decideSweep(leased, now - 70_000, now - 70_000, now, thresholds)).to.equal("none");
    expect(decideSweep(leased, now - 600_000, now, now, thresholds)).to.equal("give-up");
  });

  it("tells a job waiting its turn in the start queue from a lost one", () => {
    const rated = { ...thresholds, startsPerMinute: 10 };
    // 50th in line at 10 starts/min: about 5 minutes of waiting are expected.
    expect(expectedStartWaitMs(50, 10)).to.equal(300_000);
    const created = now - 200_000;
    expect(decideSweep(pending, created, created, now, rated, 50)).to.equal("none");
    // 2nd in line: 12 s of expected wait, so 100 s of quiet is past it (but not twice past it).
    const quiet = now - 100_000;
    expect(decideSweep(pending, quiet, quiet, now, rated, 2)).to.equal("re-enqueue-same");
    // Past its expected wait plus the stale threshold it looks lost.
    const late = now - 361_000;
    expect(decideSweep(pending, late, late, now, rated, 50)).to.equal("re-enqueue-same");
  });

  it("gives a job whose enqueue failed no waiting allowance: its task is not in any queue", () => {
    const rated = { ...thresholds, startsPerMinute: 10 };
    const created = now - 70_000;
    const failed = { ...pending, enqueueFailed: true };
    expect(decideSweep(failed, created, created, now, rated, 50)).to.equal("re-enqueue-same");
  });

  it("gives a new step only once Cloud Tasks can no longer hold the task (past its retry window)", () => {
    // Production: 4 attempts of up to 600 s, backoffs 60 + 120 + 240 s.
    const window = taskRetryWindowMs({
      maxAttempts: 4,
      minBackoffMs: 60_000,
      maxBackoffMs: 240_000,
      dispatchDeadlineMs: 600_000,
    });
    expect(window).to.equal(4 * 600_000 + 420_000);
    const production = { staleAfterMs: 300_000, hardLimitMs: 1_800_000, taskRetryWindowMs: window };
    const t = now - 1_700_000; // quiet for 28 minutes: its task may still be in a backoff
    expect(decideSweep(running, t, t, now, production)).to.equal("re-enqueue-same");
    // Longer than the hard limit: a job whose task was dropped is refunded, never duplicated.
    expect(300_000 + window).to.be.greaterThan(production.hardLimitMs);
  });
});
