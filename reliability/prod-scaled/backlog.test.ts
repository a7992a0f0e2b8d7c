// The production-scaled profile (stack/profile.ts): production settings, every duration
// divided by TIME_SCALE. A backlog far larger than the start quota serves at once, and worker
// processes killed mid-step: every job must end draft, starts must keep to the quota, no start
// dispatch may be spent on a stale task, nothing that only waited may be refunded as stuck,
// and a killed step must recover through its own retry, not the sweeper.
import { expect } from "chai";
import { openSync, readSync, closeSync, statSync } from "node:fs";
import { EMULATOR_LOG } from "../../stack/config";
import { PRODUCTION_SECONDS } from "../../functions/src/config/production";
import { scenario, bump } from "../figures";
import { profile } from "../profile";
import { killRenderingWorkers } from "../faults";
import { checkInvariants, cleanSlate, generate, pool, users, waitAllEnded } from "../support";

const TIME_SCALE = Number(process.env.TIME_SCALE ?? 1);
const STARTS_PER_MINUTE = 50; // VEO_STARTS_PER_MINUTE's production default (Veo 3.1 GA)
const PER_USER = 3; // MAX_ACTIVE_CREATIONS
const USERS = profile.name === "full" ? 50 : 10;
const scaled = (seconds: number) => (seconds * 1000) / TIME_SCALE;
/** Every job must end before the hard limit (then it would be a stuck refund) plus a sweep. */
const HORIZON_MS = scaled(PRODUCTION_SECONDS.SWEEP_HARD_LIMIT_SECONDS) + scaled(300);

/** Function log lines written to the emulator log since `from` (its size when we started). */
function logSince(from: number): string[] {
  const size = statSync(EMULATOR_LOG).size;
  const fd = openSync(EMULATOR_LOG, "r");
  try {
    const buffer = Buffer.alloc(size - from);
    readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString("utf8").split("\n");
  } finally {
    closeSync(fd);
  }
}
const events = (lines: string[], event: string) => lines.filter((line) => line.includes(event));

/** Most operation starts within any window of one scaled minute. */
function peakStartsPerScaledMinute(startedAtMs: number[]): number {
  const sorted = [...startedAtMs].sort((a, b) => a - b);
  const windowMs = scaled(60);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

describe(`prod-scaled (TIME_SCALE ${TIME_SCALE}): backlog and crashes`, function () {
  this.timeout(HORIZON_MS + 600_000);
  before(function () {
    if (process.env.PHOENIX_PROFILE !== "prod-scaled") {
      throw new Error(
        "run through `npm run test:prod-scaled` (the emulators need the prod-scaled profile)",
      );
    }
  });
  before(cleanSlate);

  it(`${USERS * PER_USER} jobs from ${USERS} users at once: all draft, within quota, nothing stale or stuck`, async () => {
    const fig = scenario(
      `prod-scaled backlog (${USERS} users × ${PER_USER} at once, TIME_SCALE ${TIME_SCALE})`,
    );
    const people = await users(USERS);
    const logStart = statSync(EMULATOR_LOG).size;
    const submittedAt = new Map<string, number>();
    // Submitted together, 6 in flight: the emulator starts one process per concurrent request,
    // and on a loaded 2-core machine a burst of new processes misses its 30 s start timeout.
    const jobs = people.flatMap((user, u) =>
      Array.from({ length: PER_USER }, (_, i) => ({ user, prompt: `backlog ${u}/${i}` })),
    );
    const started = Date.now();
    await pool(jobs, 6, async ({ user, prompt }) => {
      const outcome = await generate(fig, user, { prompt, duration: 4 });
      if (outcome.ok) submittedAt.set(outcome.result.creationId, Date.now());
    });
    fig.notes.push(`submitted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // The backlog fits the quota: our code refused nothing. Transport failures of the emulator
    // on a loaded machine (a worker process gone: "internal" without a handler, or no reply)
    // are counted in the figures; the scenario follows the jobs that were accepted.
    const refusedByUs = [...fig.rejected.keys()].filter(
      (code) => code !== "internal" && code !== "no reply (timeout)",
    );
    expect(refusedByUs, "no submission refused (the backlog fits the quota)").to.deep.equal([]);
    expect(fig.accepted).to.be.greaterThan(jobs.length * 0.9);

    // Kill a few workers mid-render while the backlog drains: their steps must recover by retry.
    let settled = false;
    const killing = killRenderingWorkers(profile.workerKills, () => settled);
    const ended = await waitAllEnded(fig, submittedAt, HORIZON_MS).finally(() => (settled = true));
    const killed = await killing;
    bump(fig.faults, "worker processes killed mid-render", killed.length);

    const byStatus = new Map<string, number>();
    for (const snap of ended.values()) bump(byStatus, snap.get("status") as string);
    expect(Object.fromEntries(byStatus)).to.deep.equal({ draft: jobs.length });

    const starts = [...ended.values()].map((snap) => snap.get("operationStartedAtMs") as number);
    const peak = peakStartsPerScaledMinute(starts);
    fig.notes.push(`peak starts in one scaled minute: ${peak} (quota ${STARTS_PER_MINUTE})`);
    expect(peak, "starts within one (scaled) minute").to.be.at.most(STARTS_PER_MINUTE);

    const lines = logSince(logStart);
    const startedLines = events(lines, "generation-started");
    expect(startedLines.length, "the emulator log carries the functions' events").to.be.greaterThan(
      0,
    );
    const stale = events(lines, "worker-step-skipped").filter((l) => l.includes("stale"));
    // Rescues: a new task for lost work. "still-queued" is a job seen waiting whose
    // task Cloud Tasks still held (its copy was refused): no second task, no dispatch spent.
    const swept = events(lines, "creation-swept").filter((l) => !l.includes("still-queued"));
    const stillQueued = events(lines, "still-queued");
    const restarts = [...ended.values()].filter((s) => (s.get("generationRestarts") ?? 0) > 0);
    fig.notes.push(
      `stale dispatches ${stale.length}, sweeper rescues ${swept.length} (copies refused as still queued ${stillQueued.length}), restarted generations ${restarts.length}`,
    );
    expect(stale, "no dispatch spent on a stale task").to.have.length(0);
    for (const victim of killed) {
      const rescued = swept.filter((l) => victim.creationId && l.includes(victim.creationId));
      expect(
        rescued,
        `${victim.creationId} recovered by its retry, not the sweeper`,
      ).to.have.length(0);
    }
    const slowest = fig.slowestEndMs;
    fig.notes.push(
      `slowest job ${(slowest / 1000).toFixed(1)} s = ${((slowest * TIME_SCALE) / 60_000).toFixed(1)} production minutes (hard limit ${PRODUCTION_SECONDS.SWEEP_HARD_LIMIT_SECONDS / 60})`,
    );
    const check = await checkInvariants(fig);
    expect(check.problems).to.deep.equal([]);
  });
});
