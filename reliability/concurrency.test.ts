// Concurrency: every user fires a burst of simultaneous submissions, twice. Each user holds
// tokens for 5 videos and may have 3 unfinished jobs (MAX_ACTIVE_CREATIONS): the first burst
// (slow jobs, still running) must admit exactly the cap, the second (after those ended)
// exactly what the balance still pays for, and nobody's balance may ever dip below zero.
import { expect } from "chai";
import { scenario } from "./figures";
import { END_HORIZON_MS, profile } from "./profile";
import {
  checkInvariants,
  cleanSlate,
  generate,
  users,
  waitAllEnded,
  watchBalances,
  type Outcome,
} from "./support";
import type { GenerateVideoResult } from "../functions/src/contract";
import { callFunction } from "../test-harness/callable";
import { balanceOf } from "../test-harness/pipeline";

const COST = 5; // duration 4, 720p, no audio
const CAP = 3;
const VIDEOS = 5;

describe("reliability: concurrency", function () {
  this.timeout(900_000);
  const fig = scenario(
    `concurrency (${profile.users} users × ${profile.burst} simultaneous, 2 waves)`,
  );

  before(cleanSlate);

  it("admits exactly what the active-job cap and the balance allow, never overdraws", async () => {
    const people = await users(profile.users, COST * VIDEOS);
    const balances = watchBalances(people.map((u) => u.uid));
    const submittedAt = new Map<string, number>();
    const accepted = (outcomes: Array<Outcome<GenerateVideoResult>>) =>
      outcomes.flatMap((o) => (o.ok ? [o.result] : []));

    // Warm one worker process per simultaneous request (invalid input, nothing written), so a
    // burst takes a second or two and wave 1's jobs surely outlast it.
    await Promise.all(
      Array.from({ length: profile.burst }, () =>
        callFunction("generateVideo", { prompt: "" }, people[0].idToken).catch(() => undefined),
      ),
    );

    // Wave 1: jobs that keep running for a while, so the cap is what limits the burst (60 s:
    // one user's burst of simultaneous calls took over 15 s at load average 70).
    // One user's burst at a time: the Functions emulator runs one process per concurrent request.
    const wave1: Array<Array<Outcome<GenerateVideoResult>>> = [];
    for (const [u, user] of people.entries()) {
      const outcomes = await Promise.all(
        Array.from({ length: profile.burst }, (_, i) =>
          generate(fig, user, { prompt: `burst one ${u}/${i} [[slow:60000]]`, duration: 4 }),
        ),
      );
      for (const r of accepted(outcomes)) submittedAt.set(r.creationId, Date.now());
      wave1.push(outcomes);
    }
    await waitAllEnded(fig, submittedAt, END_HORIZON_MS);

    // Wave 2: nothing is running; the balance (2 videos left) is what limits it.
    // What the balance pays for now (a wave-1 job that failed was refunded: one more video).
    const payable = await Promise.all(
      people.map(async (user) => Math.floor((await balanceOf(user.uid)) / COST)),
    );
    const wave2: Array<Array<Outcome<GenerateVideoResult>>> = [];
    const second = new Map<string, number>();
    for (const [u, user] of people.entries()) {
      const outcomes = await Promise.all(
        Array.from({ length: profile.burst }, (_, i) =>
          generate(fig, user, { prompt: `burst two ${u}/${i}`, duration: 4 }),
        ),
      );
      for (const r of accepted(outcomes)) second.set(r.creationId, Date.now());
      wave2.push(outcomes);
    }
    await waitAllEnded(fig, second, END_HORIZON_MS);
    balances.stop();

    for (const outcomes of wave1) {
      expect(accepted(outcomes), "wave 1 admits the cap").to.have.length(CAP);
      const rejections = outcomes.flatMap((o) => (o.ok ? [] : [`${o.code}/${o.reason}`]));
      expect(new Set(rejections)).to.deep.equal(
        new Set(["resource-exhausted/too-many-active-jobs"]),
      );
    }
    for (const [u, outcomes] of wave2.entries()) {
      expect(payable[u], "wave 1 charged the cap").to.be.at.least(VIDEOS - CAP);
      expect(accepted(outcomes), "wave 2 admits what the balance pays").to.have.length(
        Math.min(CAP, payable[u]),
      );
      const rejections = outcomes.flatMap((o) => (o.ok ? [] : [`${o.code}/${o.reason}`]));
      expect(new Set(rejections)).to.deep.equal(
        new Set(["failed-precondition/insufficient-tokens"]),
      );
    }
    for (const outcomes of [...wave1, ...wave2])
      for (const o of outcomes) if (o.ok) expect(o.result.balance).to.be.at.least(0);
    expect(balances.lowest(), "lowest balance ever seen").to.be.at.least(0);
    const { problems } = await checkInvariants(fig);
    expect(problems).to.deep.equal([]);
  });
});
