// The production-scaled profile (stack/profile.ts): production settings for a deployment on
// Veo 3.0's quota (10 starts/min), every duration divided by TIME_SCALE. A backlog far larger
// than the quota serves at once (150 jobs: 15 minutes of quota, three times the sweeper's stale
// threshold), submitted the way apps submit: through the client module, which retries a lost
// reply with the same requestId. Every job must end draft, starts must keep to the quota, the
// sweeper must give no waiting job a second task (whose first would arrive stale), nothing that
// only waited may be refunded as stuck.
import { expect } from "chai";
import { signInWithEmailAndPassword } from "firebase/auth";
import { generateVideo, type SubmittedVideo } from "../../client";
import { errorCode } from "../../client/errors";
import { connectClient, type ClientSdk } from "../../demo/firebase-client";
import { PRODUCTION_SECONDS, SWEEP_EVERY_SECONDS } from "../../functions/src/config/production";
import { db } from "../../test-harness/pipeline";
import { bump, scenario } from "../figures";
import { profile } from "../profile";
import { checkInvariants, cleanSlate, pool, users, waitAllEnded } from "../support";
import {
  both,
  events,
  logMark,
  logSince,
  MODEL,
  peakInWindow,
  percentile,
  requireProdScaled,
  scaled,
  STARTS_PER_MINUTE,
  TIME_SCALE,
} from "./scaled";

const PER_USER = 3; // MAX_ACTIVE_CREATIONS
const USERS = profile.name === "full" ? 50 : 10;
/** Every job must end before the hard limit (then it would be a stuck refund) plus a sweep. */
const HORIZON_MS =
  scaled(PRODUCTION_SECONDS.SWEEP_HARD_LIMIT_SECONDS) + 2 * scaled(SWEEP_EVERY_SECONDS);
/**
 * Cloud Tasks dispatches from a token bucket that holds up to one second of the rate (at least
 * 1.1 tokens in the emulator): within any minute, the quota plus that burst.
 */
const BURST = Math.ceil(Math.max((STARTS_PER_MINUTE * TIME_SCALE) / 60, 1.1));

describe(`prod-scaled (TIME_SCALE ${TIME_SCALE}, ${MODEL}): a backlog of many times the quota`, function () {
  this.timeout(HORIZON_MS + 900_000);
  before(requireProdScaled);
  before(cleanSlate);
  const clients: ClientSdk[] = [];
  after(() => Promise.all(clients.map((client) => client.close())));

  it(`${USERS * PER_USER} jobs from ${USERS} users at once: all draft, within quota, nothing stale or stuck`, async () => {
    const fig = scenario(
      `prod-scaled backlog (${USERS} users × ${PER_USER} at once, ${STARTS_PER_MINUTE} starts/min, TIME_SCALE ${TIME_SCALE})`,
    );
    const people = await users(USERS);
    // Each user is an app: the Firebase JS SDK signed in, submitting through client/.
    for (const person of people) {
      const client = connectClient();
      await signInWithEmailAndPassword(client.auth, person.email, person.password);
      clients.push(client);
    }
    const mark = logMark();
    const submittedAt = new Map<string, number>();
    const positions: number[] = [];
    const jobs = clients.flatMap((client, u) =>
      Array.from({ length: PER_USER }, (_, i) => ({ client, prompt: `backlog ${u}/${i}` })),
    );
    const started = Date.now();
    // 6 in flight: the emulator starts one process per concurrent request, and on a loaded
    // 2-core machine a burst of new processes misses its start timeout (a lost reply, which the
    // client retries).
    await pool(jobs, 6, async ({ client, prompt }) => {
      fig.sent++;
      let submitted: SubmittedVideo;
      try {
        submitted = await generateVideo(
          client.functions,
          { prompt, duration: 4 },
          { maxAttempts: 5, retryDelayMs: 1000 },
        );
      } catch (err) {
        bump(fig.rejected, errorCode(err) ?? String(err));
        return;
      }
      fig.accepted++;
      submittedAt.set(submitted.creationId, Date.now());
      const position = (await db().doc(`creations/${submitted.creationId}`).get()).get(
        "queuePosition",
      ) as number | null;
      if (typeof position === "number") positions.push(position);
    });
    const submitMs = Date.now() - started;
    fig.notes.push(
      `submitted in ${both(submitMs)}; deepest queue position at admission ${Math.max(0, ...positions)}`,
    );
    expect(Object.fromEntries(fig.rejected), "every submission accepted").to.deep.equal({});
    expect(submittedAt.size, "one creation per submission").to.equal(jobs.length);

    const ended = await waitAllEnded(fig, submittedAt, HORIZON_MS);
    const byStatus = new Map<string, number>();
    for (const snap of ended.values()) bump(byStatus, snap.get("status") as string);
    expect(Object.fromEntries(byStatus), "every job a draft").to.deep.equal({
      draft: jobs.length,
    });
    const stored = await db().collection("creations").count().get();
    expect(stored.data().count, "no creation beyond the submissions").to.equal(jobs.length);

    // Starts: when each generation started, against the quota per (scaled) minute.
    const startsAt = [...ended.values()].map((s) => s.get("operationStartedAtMs") as number);
    const peak = peakInWindow(startsAt, scaled(60));
    const drainMs = Math.max(...startsAt) - Math.min(...startsAt);
    const meanPerMinute = ((startsAt.length - 1) / drainMs) * scaled(60);
    fig.notes.push(
      `starts: peak ${peak} in one scaled minute, mean ${meanPerMinute.toFixed(1)}/min over ${both(drainMs)} (quota ${STARTS_PER_MINUTE}/min, token-bucket burst ${BURST})`,
    );
    expect(peak, "starts within one (scaled) minute").to.be.at.most(STARTS_PER_MINUTE + BURST);
    expect(meanPerMinute, "mean start rate").to.be.at.most(STARTS_PER_MINUTE);

    // Waits: submission to the generation's start (the queue), and to the draft.
    const waits = [...ended].map(
      ([id, s]) => (s.get("operationStartedAtMs") as number) - submittedAt.get(id)!,
    );
    const stale = scaled(PRODUCTION_SECONDS.SWEEP_STALE_AFTER_SECONDS);
    fig.notes.push(
      `wait to start: median ${both(percentile(waits, 50))}, longest ${both(Math.max(...waits))}; ${waits.filter((w) => w > stale).length} jobs waited longer than the stale threshold (${both(stale)})`,
    );
    fig.notes.push(
      `slowest to draft ${both(fig.slowestEndMs)} (hard limit ${both(scaled(PRODUCTION_SECONDS.SWEEP_HARD_LIMIT_SECONDS))})`,
    );

    const lines = logSince(mark);
    expect(
      events(lines, "generation-started").length,
      "the emulator log carries the functions' events",
    ).to.equal(jobs.length);
    const staleSkips = events(lines, "worker-step-skipped").filter((l) =>
      l.includes('"why":"stale"'),
    );
    // A delivery the Cloud Tasks emulator aborted at its dispatch deadline (the function ran
    // on) is delivered again, as Cloud Tasks does: that copy finds its step done, stale.
    const aborted = lines.filter((l) => l.includes("tasks: AbortError"));
    const rescues = events(lines, "creation-swept").filter((l) => !l.includes("still-queued"));
    const stillQueued = events(lines, "creation-swept").filter((l) => l.includes("still-queued"));
    const stuck = events(lines, "creation-refunded").filter((l) => l.includes('"kind":"stuck"'));
    const replays = events(lines, "submission").filter((l) => l.includes('"outcome":"replayed"'));
    fig.notes.push(
      `sweeper rescues (a second task) ${rescues.length}, copies refused as still queued ${stillQueued.length}; stale dispatches ${staleSkips.length}, deliveries aborted at the dispatch deadline ${aborted.length}; stuck refunds ${stuck.length}; lost replies answered by a retry ${replays.length}`,
    );
    expect(rescues, "no job that only waited got a second task").to.have.length(0);
    expect(
      staleSkips.length,
      "every stale dispatch is the redelivery of an aborted one, none a sweeper's copy",
    ).to.be.at.most(aborted.length);
    expect(stuck, "no job that only waited refunded as stuck").to.have.length(0);
    const check = await checkInvariants(fig);
    expect(check.problems).to.deep.equal([]);
  });
});
