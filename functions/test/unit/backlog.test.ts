import { expect } from "chai";
import { backlogCapacity, decideBacklog } from "../../src/domain/backlog";

describe("backlog admission", () => {
  // Production: Veo 3.1 GA, 50 starts/min; 30 min hard limit; 5 min to finish after a start.
  const production = { startsPerMinute: 50, hardLimitMs: 1_800_000, finishBudgetMs: 300_000 };

  it("admits what the quota can start before the hard limit minus the finish budget", () => {
    expect(backlogCapacity(production)).to.equal(50 * 25);
    expect(backlogCapacity({ ...production, startsPerMinute: 10 })).to.equal(250);
  });

  it("gives an accepted job its position and estimated times", () => {
    const now = 1_000_000;
    const decision = decideBacklog(99, production, now, 90_000);
    expect(decision).to.deep.equal({
      outcome: "accept",
      queuePosition: 100,
      estimatedStartMs: now + 120_000, // 100 starts at 50/min
      estimatedReadyMs: now + 210_000,
    });
  });

  it("refuses past capacity with a retry-after that lets the queue drain below it", () => {
    const full = decideBacklog(1250, production, 0, 90_000);
    expect(full).to.deep.equal({
      outcome: "reject",
      retryAfterSeconds: 2,
      pending: 1250,
      capacity: 1250,
    });
    const decision = decideBacklog(1349, production, 0, 90_000);
    expect(decision.outcome).to.equal("reject");
    if (decision.outcome === "reject") expect(decision.retryAfterSeconds).to.equal(120);
  });

  it("scales with the time factor: a prod-scaled queue holds the same number of jobs", () => {
    const scaled = {
      startsPerMinute: 50 * 30,
      hardLimitMs: 1_800_000 / 30,
      finishBudgetMs: 300_000 / 30,
    };
    expect(backlogCapacity(scaled)).to.equal(backlogCapacity(production));
  });
});
