// Idempotency storm: simultaneous replays of one requestId, then replays after the job ended,
// a reuse of the key with other parameters, and replays after the creation was deleted.
// One creation, one debit, however the key is replayed.
import { expect } from "chai";
import { balanceOf, ledgerOf } from "../test-harness/pipeline";
import { scenario } from "./figures";
import { call, checkInvariants, cleanSlate, generate, users, waitAllEnded } from "./support";

const STORM = 20;
const AFTER = 10;

describe("reliability: idempotency storm", function () {
  this.timeout(300_000);
  const fig = scenario(`idempotency (${STORM} simultaneous replays + ${AFTER} after the end)`);

  before(cleanSlate);

  it("turns every replay of one requestId into the same creation, charged once", async () => {
    const [user] = await users(1);
    const input = {
      prompt: "one key, many sends [[slow:3000]]",
      duration: 4 as const,
      requestId: "storm-key-0001",
    };
    const storm = await Promise.all(
      Array.from({ length: STORM }, () => generate(fig, user, input)),
    );
    const ids = new Set(storm.map((o) => (o.ok ? o.result.creationId : `${o.code}/${o.reason}`)));
    expect(ids.size, `outcomes: ${[...ids].join(", ")}`).to.equal(1);
    const creationId = [...ids][0];
    expect(storm.every((o) => o.ok)).to.equal(true);

    const [done] = (await waitAllEnded(fig, new Map([[creationId, Date.now()]]), 120_000)).values();
    expect(done.get("status")).to.equal("draft");
    const before = await balanceOf(user.uid);
    const later = await Promise.all(
      Array.from({ length: AFTER }, () => generate(fig, user, input)),
    );
    for (const o of later) expect(o.ok && o.result.creationId).to.equal(creationId);

    const reused = await generate(fig, user, { ...input, duration: 8 });
    expect(reused.ok || `${reused.code}/${reused.reason}`).to.equal(
      "failed-precondition/idempotency-key-reused",
    );

    // Deleting the creation does not free the key for a second charge.
    const deleted = await call(fig, "deleteCreation", { creationId }, user.idToken);
    expect(deleted.ok).to.equal(true);
    const afterDelete = await Promise.all(
      Array.from({ length: 5 }, () => generate(fig, user, input)),
    );
    for (const o of afterDelete)
      expect(o.ok || `${o.code}/${o.reason}`).to.equal(
        "failed-precondition/idempotency-key-reused",
      );

    expect(await balanceOf(user.uid)).to.equal(before);
    const ledger = await ledgerOf(user.uid);
    expect(ledger.filter((e) => e.type === "video_generation")).to.have.length(1);
    expect(ledger.filter((e) => e.type === "refund")).to.have.length(0);
    const { problems } = await checkInvariants(fig);
    expect(problems).to.deep.equal([]);
  });
});
