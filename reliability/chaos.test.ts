// Chaos: a few hundred jobs with a mix of test directives while faults are injected: the same
// task delivered twice, workers SIGKILLed mid-render, the S3 server paused and crashed, the
// enqueue after a successful debit failing, cancels racing the worker, and the sweeper
// running throughout. Then every creation must have ended, with the money invariants intact.
import { expect } from "chai";
import type { GenerateVideoInput, GenerateVideoResult } from "../functions/src/contract";
import type { TestUser } from "../test-harness/emulators";
import { db } from "../test-harness/pipeline";
import { waitFor } from "../test-harness/wait";
import { bump, scenario } from "./figures";
import {
  crashS3,
  deliverTwice,
  isFlaggedEnqueueFailed,
  killRenderingWorkers,
  pauseS3,
  runSweeperLoop,
  submitWithFailingEnqueue,
  type RenderingWorker,
} from "./faults";
import { END_HORIZON_MS, profile } from "./profile";
import {
  call,
  checkInvariants,
  cleanSlate,
  describeEnd,
  generate,
  pool,
  users,
  waitAllEnded,
  watchBalances,
} from "./support";

const PER_USER = 3; // MAX_ACTIVE_CREATIONS: each user submits its jobs at once
type Kind =
  | "plain"
  | "slow"
  | "policy"
  | "transient"
  | "exhausted"
  | "permanent"
  | "cancel"
  | "twice"
  | "partial"
  | "allFiltered";
const MIX: Kind[] = [
  "plain",
  "slow",
  "policy",
  "transient",
  "plain",
  "exhausted",
  "permanent",
  "cancel",
  "twice",
  "slow",
  "partial",
  "allFiltered",
];
const PROMPTS: Record<Kind, string> = {
  plain: "a lighthouse at dusk",
  slow: "a slow tide [[slow:5000]]",
  policy: "something forbidden [[policy]]",
  transient: "a flaky model [[transient:2]]",
  exhausted: "a model that never recovers [[transient:99]]",
  permanent: "an invalid request [[permanent]]",
  cancel: "a job its owner cancels [[slow:3000]]",
  twice: "a task delivered twice [[slow:2000]]",
  // Several videos per request: one of three filtered (delivered twice), or every one of two.
  partial: "three kites, one filtered [[filtered:1]] [[slow:2000]]",
  allFiltered: "two kites, both filtered [[filtered:2]]",
};
const SAMPLES: Partial<Record<Kind, number>> = { partial: 3, allFiltered: 2 };

describe("reliability: chaos", function () {
  this.timeout(END_HORIZON_MS + 300_000);
  const fig = scenario(`chaos (${profile.chaosJobs} + ${profile.enqueueFailures} jobs, faults)`);

  before(cleanSlate);

  it("ends every job within the sweeper's horizon with the money invariants intact", async () => {
    // The in-process submissions get users of their own, at most PER_USER jobs each (the cap).
    const lostUsers = Math.ceil(profile.enqueueFailures / PER_USER);
    const people = await users(Math.ceil(profile.chaosJobs / PER_USER) + lostUsers);
    const inProcessUsers = people.splice(people.length - lostUsers);
    const everyone = [...people, ...inProcessUsers];
    const balances = watchBalances(everyone.map((u) => u.uid));
    const submittedAt = new Map<string, number>();
    const kinds = new Map<string, Kind | "enqueue-failed">();

    // 1. Charged, but the enqueue fails: only the sweeper can rescue these.
    const lost: GenerateVideoResult[] = [];
    for (const [u, user] of inProcessUsers.entries()) {
      const count = Math.min(PER_USER, profile.enqueueFailures - u * PER_USER);
      lost.push(
        ...(await submitWithFailingEnqueue(
          user.uid,
          Array.from({ length: count }, (_, i): GenerateVideoInput => ({
            prompt: `enqueue lost ${u}/${i}`,
            duration: 4,
            requestId: `lost-enqueue-${u}-${i}-${Date.now()}`,
          })),
        )),
      );
    }
    for (const r of lost) {
      submittedAt.set(r.creationId, Date.now());
      kinds.set(r.creationId, "enqueue-failed");
      if (await isFlaggedEnqueueFailed(r.creationId))
        bump(fig.faults, "enqueue failed after debit");
    }
    fig.sent += lost.length;
    fig.accepted += lost.length;

    // 2. The sweeper runs throughout, as the scheduled function would (but every few seconds).
    const sweeper = runSweeperLoop(3000);
    let allEnded = false;
    const killed: RenderingWorker[] = [];
    const killer = killRenderingWorkers(profile.workerKills, () => allEnded).then((k) =>
      killed.push(...k),
    );

    // 3. The jobs, through the callable protocol; S3 faults once a third / two thirds are in.
    let submitted = 0;
    const s3Faults = (async () => {
      await waitFor(() => submitted >= profile.chaosJobs / 3, {
        timeoutMs: 600_000,
        what: "a third submitted",
      });
      await pauseS3(profile.s3PauseMs);
      bump(fig.faults, "S3 paused (SIGSTOP)");
      await waitFor(() => submitted >= (2 * profile.chaosJobs) / 3, {
        timeoutMs: 600_000,
        what: "two thirds submitted",
      });
      await crashS3(profile.s3DownMs);
      bump(fig.faults, "S3 killed and restarted");
    })();
    const cancelOutcomes: string[] = [];
    const cancelled: string[] = [];
    await pool(people, 4, async (user, u) => {
      await Promise.all(
        Array.from({ length: PER_USER }, async (_, j) => {
          const n = u * PER_USER + j;
          if (n >= profile.chaosJobs) return;
          const kind = MIX[n % MIX.length];
          const outcome = await generate(fig, user, {
            prompt: `${PROMPTS[kind]} #${n}`,
            duration: 4,
            ...(SAMPLES[kind] ? { sampleCount: SAMPLES[kind] } : {}),
          });
          submitted++;
          // A rejection is counted, not fatal: whatever was charged is found below and checked.
          if (!outcome.ok) return;
          const { creationId } = outcome.result;
          submittedAt.set(creationId, Date.now());
          kinds.set(creationId, kind);
          if (kind === "twice" || kind === "slow" || kind === "partial") {
            await deliverTwice(creationId);
            bump(fig.faults, "task delivered twice");
          }
          if (kind === "cancel") {
            const cancel = await call(fig, "cancelCreation", { creationId }, user.idToken);
            cancelOutcomes.push(cancel.ok ? "cancelled" : `${cancel.code}/${cancel.reason}`);
            if (cancel.ok) cancelled.push(creationId);
            bump(fig.faults, "cancel racing the worker");
          }
        }),
      );
    });
    await s3Faults;
    // Everything that was charged, including any submission whose reply was lost.
    for (const doc of (await db().collection("creations").get()).docs)
      if (!submittedAt.has(doc.id)) {
        submittedAt.set(doc.id, Date.now());
        fig.notes.push(`creation ${doc.id} charged although its submission reply was an error`);
      }

    // 4. Every creation ends within the horizon.
    const ended = await waitAllEnded(fig, submittedAt, END_HORIZON_MS);
    allEnded = true;
    await killer;
    await sweeper.stop();
    balances.stop();
    if (killed.length) bump(fig.faults, "worker SIGKILLed mid-render", killed.length);

    // 5. Owners act on the results: publish some drafts, delete some failures.
    const owners = new Map<string, TestUser>();
    for (const [id, snap] of ended) {
      const owner = everyone.find((u) => u.uid === snap.get("userId"));
      if (owner) owners.set(id, owner);
    }
    const drafts = [...ended].filter(([, s]) => s.get("status") === "draft").map(([id]) => id);
    const failed = [...ended].filter(([, s]) => s.get("status") === "failed").map(([id]) => id);
    for (const id of drafts.filter((_, i) => i % 4 === 0)) {
      const r = await call(fig, "publishCreation", { creationId: id }, owners.get(id)!.idToken);
      expect(r.ok, `publish ${id}`).to.equal(true);
      fig.jobsByEnd.set("draft", (fig.jobsByEnd.get("draft") ?? 0) - 1);
      bump(fig.jobsByEnd, "published");
    }
    for (const id of failed.filter((_, i) => i % 5 === 0)) {
      const r = await call(fig, "deleteCreation", { creationId: id }, owners.get(id)!.idToken);
      expect(r.ok, `delete ${id}`).to.equal(true);
    }

    const totals = sweeper.totals();
    fig.notes.push(
      `sweeper: ${totals.passes} passes, ${totals.reEnqueued} re-enqueued, ${totals.refunded} refunded (stuck)`,
      `cancel races: ${summarise(cancelOutcomes)}`,
      `killed mid-render → ${summarise(killed.map((k) => describeEnd(ended.get(k.creationId!)!)))}`,
      `lost enqueues → ${summarise(lost.map((r) => describeEnd(ended.get(r.creationId)!)))}`,
    );

    // Every fault kind really happened, and what it hit recovered.
    expect(killed.length, "workers killed mid-render").to.be.at.least(1);
    for (const r of lost) {
      expect(
        await isFlaggedEnqueueFailed(r.creationId),
        "flag cleared by the rescued worker",
      ).to.equal(false);
      expect(ended.get(r.creationId)!.get("status"), "a lost enqueue is rescued").to.be.oneOf([
        "draft",
        "failed",
      ]);
    }
    expect(totals.reEnqueued, "the sweeper re-enqueued lost work").to.be.at.least(lost.length);
    for (const id of cancelled)
      expect(ended.get(id)!.get("status"), `a confirmed cancel ${id}`).to.equal("cancelled");
    for (const [id, kind] of kinds) {
      const status = ended.get(id)!.get("status") as string;
      if (
        kind === "policy" ||
        kind === "permanent" ||
        kind === "exhausted" ||
        kind === "allFiltered"
      )
        expect(status, `${kind} ${id}`).to.equal("failed");
      // A partial delivery: two videos, the filtered third refunded once (5 tokens).
      if (kind === "partial" && status !== "failed") {
        const end = ended.get(id)!;
        expect(end.get("media"), `partial ${id}`).to.have.length(2);
        expect(end.get("refundedTokens"), `partial ${id}`).to.equal(5);
        bump(fig.faults, "partial delivery (1 of 3 filtered)");
      }
    }
    expect(balances.lowest(), "lowest balance ever seen").to.be.at.least(0);
    const { problems } = await checkInvariants(fig);
    expect(problems).to.deep.equal([]);
  });
});

function summarise(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) bump(counts, v);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(", ") || "none";
}
