import { expect } from "chai";
import * as params from "../../src/config/params";
import {
  decideDeadOperation,
  earlyByMs,
  isDeadOperation,
  leaseFitsRetryWindow,
  MAX_GENERATION_RESTARTS,
} from "../../src/domain/worker-step";
import { classifyHttpError, classifyOperationError } from "../../src/models/veo-errors";

const defaultOf = (param: unknown) => (param as { options: { default: number } }).options.default;

describe("worker recovery rules", () => {
  it("the production lease lapses before the first retry of a crashed step arrives", () => {
    const lease = defaultOf(params.leaseSeconds);
    const firstBackoff = defaultOf(params.taskMinBackoffSeconds);
    expect(leaseFitsRetryWindow(lease, firstBackoff), `${lease} s vs ${firstBackoff} s`).to.equal(
      true,
    );
    expect(leaseFitsRetryWindow(600, 60)).to.equal(false);
  });

  it("a finished operation with a retryable code is dead; a failed poll call is not", () => {
    expect(
      isDeadOperation(classifyOperationError({ code: 14, message: "unavailable" }, "op")),
    ).to.equal(true);
    expect(
      isDeadOperation(classifyHttpError(503, { message: "busy" }, "fetchPredictOperation")),
    ).to.equal(false);
  });

  it("restarts a dead generation at most MAX_GENERATION_RESTARTS times", () => {
    const decisions = [0, 1, 2, 3].map(decideDeadOperation);
    expect(decisions.filter((d) => d === "restart")).to.have.length(MAX_GENERATION_RESTARTS);
    expect(decisions[MAX_GENERATION_RESTARTS]).to.equal("give-up");
  });
});

describe("deliveries ahead of their schedule (the Cloud Tasks emulator ignores scheduleTime)", () => {
  const now = Date.parse("2026-12-02T10:00:00.000Z");
  it("waits out an early delivery, whatever form the ETA header takes", () => {
    expect(earlyByMs("2026-12-02T10:00:00.800Z", now, 1000)).to.equal(800); // emulator: ISO
    expect(earlyByMs(String(now / 1000 + 0.5), now, 1000)).to.equal(500); // Cloud Tasks: seconds
    expect(earlyByMs(String(now + 300), now, 1000)).to.equal(300); // emulator fallback: ms
  });

  it("never waits for a delivery on time or late, nor longer than the longest scheduled delay", () => {
    expect(earlyByMs(undefined, now, 1000)).to.equal(0);
    expect(earlyByMs("", now, 1000)).to.equal(0);
    expect(earlyByMs("not a time", now, 1000)).to.equal(0);
    expect(earlyByMs(String(now / 1000 - 5), now, 1000)).to.equal(0);
    expect(earlyByMs("2026-12-02T10:10:00Z", now, 1000)).to.equal(1000);
  });
});
