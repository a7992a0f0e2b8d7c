import { expect } from "chai";
import { errorCode } from "../helpers/errors";
import {
  callableRequest,
  setupLocalEnv,
  signUpRecord,
  uniqueUid,
  withTaskRecorder,
} from "../helpers/inprocess";
import type { TaskRecorder } from "../helpers/task-recorder";

setupLocalEnv();
import { grantTokens } from "../../src/handlers/grant-tokens";
import { generateVideo } from "../../src/handlers/generate-video";
import { welcomeUser } from "../../src/handlers/welcome-user";
import { claimWelcomeGrant } from "../../src/handlers/claim-welcome";
import { balanceOf, db, ledgerOf, setBalance } from "../helpers/firestore";

describe("welcome grant and admin grants", () => {
  let tasks: TaskRecorder;
  before(async () => (tasks = await withTaskRecorder()));
  after(() => tasks.stop());

  it("grants the welcome tokens exactly once, even when the trigger runs several times at once", async () => {
    const uid = uniqueUid("new");
    await Promise.all(Array.from({ length: 5 }, () => welcomeUser(signUpRecord(uid))));
    expect(await balanceOf(uid)).to.equal(100);
    const ledger = await ledgerOf(uid);
    expect(ledger.map((e) => `${e.id}:${e.type}:${e.amount}`)).to.deep.equal([
      `welcome_${uid}:grant:100`,
    ]);
  });

  it("leaves an existing user document alone", async () => {
    const uid = uniqueUid("existing");
    await setBalance(uid, 7);
    await welcomeUser(signUpRecord(uid));
    expect(await balanceOf(uid)).to.equal(7);
    expect((await ledgerOf(uid)).filter((e) => e.id === `welcome_${uid}`)).to.have.length(0);
  });

  it("a first submission racing the sign-up trigger still grants once", async () => {
    const uid = uniqueUid("racer");
    await Promise.all([
      welcomeUser(signUpRecord(uid)),
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

  describe("the welcome policy", () => {
    const userDoc = async (uid: string) => (await db().collection("users").doc(uid).get()).data();
    const unverified = { email_verified: false };

    it("anonymous accounts get no welcome grant, at sign-up or by claiming", async () => {
      const uid = uniqueUid("anon");
      await welcomeUser({ uid, providerData: [] });
      expect(await userDoc(uid)).to.include({ tokenBalance: 0, welcomeStatus: "anonymous" });
      const anonymous = { firebase: { sign_in_provider: "anonymous" } };
      expect(await claimWelcomeGrant(callableRequest({}, uid, anonymous))).to.deep.equal({
        granted: false,
        balance: 0,
        reason: "anonymous",
      });
      expect(await ledgerOf(uid)).to.deep.equal([]);
    });

    it("an email account gets it once its address is verified, once however often it claims", async () => {
      const uid = uniqueUid("email");
      await welcomeUser(signUpRecord(uid, false));
      expect(await userDoc(uid)).to.include({
        tokenBalance: 0,
        welcomeStatus: "email-not-verified",
      });
      expect(await claimWelcomeGrant(callableRequest(null, uid, unverified))).to.deep.equal({
        granted: false,
        balance: 0,
        reason: "email-not-verified",
      });
      // Verified now: five claims at once (a double tap, a retry) grant once.
      const claims = await Promise.all(
        Array.from({ length: 5 }, () => claimWelcomeGrant(callableRequest({}, uid))),
      );
      expect(claims.filter((c) => c.granted).map((c) => c.balance)).to.deep.equal([100]);
      expect(claims.filter((c) => !c.granted).map((c) => c.reason)).to.deep.equal(
        Array(4).fill("already-granted"),
      );
      expect(await userDoc(uid)).to.include({ tokenBalance: 100, welcomeStatus: "granted" });
      expect((await ledgerOf(uid)).map((e) => `${e.id}:${e.amount}`)).to.deep.equal([
        `welcome_${uid}:100`,
      ]);
      expect(await errorCode(claimWelcomeGrant(callableRequest({ extra: 1 }, uid)))).to.equal(
        "invalid-argument",
      );
      expect(await errorCode(claimWelcomeGrant(callableRequest({})))).to.equal("unauthenticated");
    });

    it("a trusted provider's account gets it at sign-up; an unverified first submission does not", async () => {
      const google = uniqueUid("google");
      await welcomeUser({
        uid: google,
        emailVerified: false,
        providerData: [{ providerId: "google.com" }],
      });
      expect(await balanceOf(google)).to.equal(100);
      const fresh = uniqueUid("fresh");
      const refused = await errorCode(
        generateVideo(callableRequest({ prompt: "too soon" }, fresh, unverified)),
      );
      expect(refused).to.equal("failed-precondition");
      // A refused submission writes nothing; the account claims its grant once verified.
      expect(await userDoc(fresh)).to.equal(undefined);
    });

    it("a sign-up storm stays within the daily budget, and the rest are told why", async () => {
      const budget = db().collection("welcomeBudget");
      const today = new Date().toISOString().slice(0, 10);
      await Promise.all(
        (await budget.where("day", "==", today).get()).docs.map((d) => d.ref.delete()),
      );
      const previous = process.env.WELCOME_DAILY_BUDGET_TOKENS;
      process.env.WELCOME_DAILY_BUDGET_TOKENS = "1000"; // 10 welcome grants of 100
      try {
        const uids = Array.from({ length: 40 }, () => uniqueUid("storm"));
        await Promise.all(uids.map((uid) => welcomeUser(signUpRecord(uid))));
        const docs = await Promise.all(uids.map(userDoc));
        const statuses = docs.map((d) => d?.welcomeStatus as string);
        expect(statuses.filter((s) => s === "granted")).to.have.length(10);
        expect(statuses.filter((s) => s === "budget-exhausted")).to.have.length(30);
        const granted = docs.reduce((sum, d) => sum + (d?.tokenBalance as number), 0);
        expect(granted).to.equal(1000);
        const shards = await budget.where("day", "==", today).get();
        expect(shards.docs.reduce((sum, d) => sum + (d.get("tokens") as number), 0)).to.equal(1000);
        // Past the budget, a claim is refused with the reason too.
        const late = uids[statuses.indexOf("budget-exhausted")];
        expect(await claimWelcomeGrant(callableRequest({}, late))).to.deep.equal({
          granted: false,
          balance: 0,
          reason: "budget-exhausted",
        });
      } finally {
        if (previous === undefined) delete process.env.WELCOME_DAILY_BUDGET_TOKENS;
        else process.env.WELCOME_DAILY_BUDGET_TOKENS = previous;
        await Promise.all(
          (await budget.where("day", "==", today).get()).docs.map((d) => d.ref.delete()),
        );
      }
    });
  });
});
