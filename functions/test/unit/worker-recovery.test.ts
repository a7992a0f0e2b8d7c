import { expect } from "chai";
import * as params from "../../src/config/params";
import {
  decideDeadOperation,
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
