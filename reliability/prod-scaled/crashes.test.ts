// Crashes on the production-scaled profile: a worker killed mid-step, and a claim whose reply
// was lost (committed, but the delivery never heard back and failed). Either leaves a lease
// behind. Production's lease (45 s) is shorter than the first retry backoff (60 s), so the
// step's own retry finds the lease lapsed and carries on: recovery within the task's retry
// window, never through the sweeper (stale after 5 minutes).
import { expect } from "chai";
import { claimCreation } from "../../functions/src/adapters/creation-store";
import { schedule } from "../../functions/src/config/schedule";
import { PRODUCTION_SECONDS } from "../../functions/src/config/production";
import { enqueueTask } from "../../test-harness/task-queue";
import { setupLocalEnv } from "../../test-harness/inprocess";
import { killRenderingWorkers, submitWithFailingEnqueue } from "../faults";
import { bump, scenario } from "../figures";
import { profile } from "../profile";
import { checkInvariants, cleanSlate, generate, pool, users, waitAllEnded } from "../support";
import {
  both,
  events,
  logMark,
  logSince,
  MODEL,
  requireProdScaled,
  scaled,
  TIME_SCALE,
} from "./scaled";

const HORIZON_MS = scaled(PRODUCTION_SECONDS.SWEEP_HARD_LIMIT_SECONDS);
const completedAtMs = (snap: FirebaseFirestore.DocumentSnapshot) =>
  (snap.get("completedAt") as FirebaseFirestore.Timestamp).toMillis();

describe(`prod-scaled (TIME_SCALE ${TIME_SCALE}, ${MODEL}): crashes recover by retry`, function () {
  this.timeout(HORIZON_MS + 300_000);
  before(requireProdScaled);
  before(cleanSlate);
  before(() => setupLocalEnv()); // the functions' own params, at this profile's scale
  const firstBackoffMs = () => schedule().ms.taskMinBackoff;
  const staleMs = () => schedule().ms.sweepStaleAfter;

  it("workers killed mid-step: each step's own retry finishes the job", async () => {
    const kills = profile.name === "full" ? 3 : 1;
    const fig = scenario(`prod-scaled worker killed mid-step (TIME_SCALE ${TIME_SCALE})`);
    const mark = logMark();
    const submittedAt = new Map<string, number>();
    // Twice as many jobs as kills and two more: renders to catch even when some finish early.
    // Two jobs a user keeps each within the per-user limit of unfinished jobs.
    const people = await users(kills + 1);
    const jobs = Array.from({ length: kills * 2 + 2 }, (_, i) => ({ user: people[i >> 1], i }));
    await pool(jobs, 2, async ({ user, i }) => {
      const outcome = await generate(fig, user, { prompt: `killed mid-step ${i}`, duration: 4 });
      if (outcome.ok) submittedAt.set(outcome.result.creationId, Date.now());
    });
    expect(submittedAt.size).to.equal(jobs.length);
    let settled = false;
    const killing = killRenderingWorkers(kills, () => settled);
    const ended = await waitAllEnded(fig, submittedAt, HORIZON_MS).finally(() => (settled = true));
    const killed = await killing;
    bump(fig.faults, "worker processes killed mid-render", killed.length);
    expect(killed, "workers caught mid-render").to.have.length(kills);
    for (const snap of ended.values()) expect(snap.get("status"), snap.id).to.equal("draft");

    const lines = logSince(mark);
    const recoveries: number[] = [];
    for (const victim of killed) {
      const id = victim.creationId!;
      const rescued = events(lines, "creation-swept").filter((l) => l.includes(id));
      expect(rescued, `${id} recovered by its retry, not the sweeper`).to.have.length(0);
      recoveries.push(completedAtMs(ended.get(id)!) - victim.killedAtMs!);
    }
    fig.notes.push(
      `kill → draft: ${recoveries.map(both).join(", ")}; first retry backoff ${both(firstBackoffMs())}, sweeper stale threshold ${both(staleMs())}`,
    );
    expect((await checkInvariants(fig)).problems).to.deep.equal([]);
  });

  it("a claim whose reply was lost: the step's retry takes over once the lease lapses", async () => {
    const fig = scenario(`prod-scaled claim reply lost (TIME_SCALE ${TIME_SCALE})`);
    const [user] = await users(1);
    // A job with no task yet (its enqueue failed), so that the lost claim comes first.
    const [job] = await submitWithFailingEnqueue(user.uid, [{ prompt: "lost reply", duration: 4 }]);
    fig.sent++;
    fig.accepted++;
    const mark = logMark();
    // What the delivery committed before its reply was lost: a claim of step 0, same lease as
    // the worker takes. It never works on the job, and Cloud Tasks holds the failed delivery
    // for a retry under the step's task id.
    const lostAt = Date.now();
    const lost = await claimCreation(
      job.creationId,
      0,
      "0:0:reply-lost",
      lostAt,
      schedule().ms.lease,
    );
    expect(lost.claim.outcome).to.equal("claim");
    await enqueueTask(
      "startGeneration",
      { creationId: job.creationId, step: 0 },
      `${job.creationId}-0`,
    );

    const ended = await waitAllEnded(fig, new Map([[job.creationId, lostAt]]), HORIZON_MS);
    const snap = ended.get(job.creationId)!;
    expect(snap.get("status")).to.equal("draft");
    const lines = logSince(mark).filter((l) => l.includes(job.creationId));
    // Only step 0's deliveries can meet the lost lease; a later poll step that arrives before
    // the previous poll has let go (a slow write on a loaded machine) is a different, benign busy.
    const busyAll = events(lines, "worker-step-busy");
    const busy = busyAll.filter((l) => l.includes(`"step":0,`));
    const rescued = events(lines, "creation-swept");
    const recoveredMs = completedAtMs(snap) - lostAt;
    fig.notes.push(
      `lost claim → draft ${both(recoveredMs)}; deliveries that found the lost lease live ${busy.length} (later steps busy ${busyAll.length - busy.length}); sweeper rescues ${rescued.length}; first retry backoff ${both(firstBackoffMs())}, lease ${both(schedule().ms.lease)}`,
    );
    expect(rescued, "recovered by the step's retry, not the sweeper").to.have.length(0);
    // The lease is shorter than the backoff: a retry never finds it still live.
    expect(busy.length, "at most one delivery within the lost lease").to.be.at.most(1);
    expect((await checkInvariants(fig)).problems).to.deep.equal([]);
  });
});
