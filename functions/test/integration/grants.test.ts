import { expect } from "chai";
import { errorCode } from "../helpers/errors";
import { callableRequest, setupLocalEnv, uniqueUid, withTaskRecorder } from "../helpers/inprocess";
import type { TaskRecorder } from "../helpers/task-recorder";

setupLocalEnv();
import { grantTokens } from "../../src/handlers/grant-tokens";
import { generateVideo } from "../../src/handlers/generate-video";
import { welcomeUser } from "../../src/handlers/welcome-user";
import { balanceOf, db, ledgerOf, setBalance } from "../helpers/firestore";

describe("welcome grant and admin grants", () => {
  let tasks: TaskRecorder;
  before(async () => (tasks = await withTaskRecorder()));
  after(() => tasks.stop());

  it("grants the welcome tokens exactly once, even when the trigger runs several times at once", async () => {
    const uid = uniqueUid("new");
    await Promise.all(Array.from({ length: 5 }, () => welcomeUser({ uid })));
    expect(await balanceOf(uid)).to.equal(100);
    const ledger = await ledgerOf(uid);
    expect(ledger.map((e) => `${e.id}:${e.type}:${e.amount}`)).to.deep.equal([
      `welcome_${uid}:grant:100`,
    ]);
  });

  it("leaves an existing user document alone", async () => {
    const uid = uniqueUid("existing");
    await setBalance(uid, 7);
    await welcomeUser({ uid });
    expect(await balanceOf(uid)).to.equal(7);
    expect((await ledgerOf(uid)).filter((e) => e.id === `welcome_${uid}`)).to.have.length(0);
  });

  it("a first submission racing the sign-up trigger still grants once", async () => {
    const uid = uniqueUid("racer");
    await Promise.all([
      welcomeUser({ uid }),
      generateVideo(callableRequest({ prompt: "right away" }, uid)),
    ]);
    expect(await balanceOf(uid)).to.equal(90);
    expect((await ledgerOf(uid)).filter((e) => e.type === "grant")).to.have.length(1);
  });

  it("grantTokens needs the admin claim and valid input, and writes a ledger entry", async () => {
    const uid = uniqueUid("grantee");
    await setBalance(uid, 10);
    const data = { userId: uid, amount: 25, reason: "support credit", grantId: `g-${uid}` };
    expect(await errorCode(grantTokens(callableRequest(data)))).to.equal("unauthenticated");
    expect(await errorCode(grantTokens(callableRequest(data, uniqueUid("user"))))).to.equal(
      "permission-denied",
    );
    const admin = uniqueUid("admin");
    expect(
      await errorCode(
        grantTokens(callableRequest({ ...data, amount: -5 }, admin, { admin: true })),
      ),
    ).to.equal("invalid-argument");
    expect(
      await errorCode(
        grantTokens(
          callableRequest({ ...data, userId: uniqueUid("ghost") }, admin, { admin: true }),
        ),
      ),
    ).to.equal("not-found");
    expect(await grantTokens(callableRequest(data, admin, { admin: true }))).to.deep.equal({
      userId: uid,
      balance: 35,
      replayed: false,
    });
    const grant = (await ledgerOf(uid)).find(
      (e) => e.type === "grant" && e.details.reason === "support credit",
    );
    expect(grant).to.include({ amount: 25 });
    expect(grant?.details.grantedBy).to.equal(admin);
    expect((await db().collection("users").doc(uid).get()).get("tokenBalance")).to.equal(35);
  });

  it("grantTokens is idempotent per grantId, also when retries race each other", async () => {
    const uid = uniqueUid("retried");
    await setBalance(uid, 0);
    const admin = uniqueUid("admin");
    const data = { userId: uid, amount: 40, reason: "make-good", grantId: `g-${uid}` };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => grantTokens(callableRequest(data, admin, { admin: true }))),
    );
    expect(results.filter((r) => !r.replayed)).to.have.length(1);
    expect(await balanceOf(uid)).to.equal(40);
    // A later retry (lost reply) answers the current balance and adds nothing.
    expect(await grantTokens(callableRequest(data, admin, { admin: true }))).to.deep.equal({
      userId: uid,
      balance: 40,
      replayed: true,
    });
    // The same key for another grant is a client bug, refused.
    expect(
      await errorCode(
        grantTokens(callableRequest({ ...data, amount: 41 }, admin, { admin: true })),
      ),
    ).to.equal("failed-precondition");
    const grants = (await ledgerOf(uid)).filter((e) => e.details.reason === "make-good");
    expect(grants.map((e) => e.amount)).to.deep.equal([40]);
  });
});
