import { expect } from "chai";
import {
  accountFactsFromRecord,
  accountFactsFromToken,
  budgetDay,
  shardCapacity,
  shardOrder,
  welcomeVerdict,
  WELCOME_BUDGET_SHARDS,
  type WelcomePolicy,
} from "../../src/domain/welcome-policy";

const policy: WelcomePolicy = {
  tokens: 100,
  requireVerifiedEmail: true,
  trustedProviders: ["google.com", "apple.com"],
  dailyBudgetTokens: 100_000,
};
const account = (
  over: Partial<{ anonymous: boolean; emailVerified: boolean; providers: string[] }>,
) => ({
  anonymous: false,
  emailVerified: false,
  providers: ["password"],
  ...over,
});

describe("welcome policy", () => {
  it("withholds the grant from anonymous and unverified email accounts", () => {
    expect(welcomeVerdict(policy, account({ anonymous: true, providers: [] }))).to.deep.equal({
      eligible: false,
      reason: "anonymous",
    });
    expect(welcomeVerdict(policy, account({}))).to.deep.equal({
      eligible: false,
      reason: "email-not-verified",
    });
    expect(welcomeVerdict(policy, account({ emailVerified: true })).eligible).to.equal(true);
    expect(welcomeVerdict(policy, account({ providers: ["google.com"] })).eligible).to.equal(true);
    expect(
      welcomeVerdict({ ...policy, requireVerifiedEmail: false }, account({})).eligible,
    ).to.equal(true);
    expect(
      welcomeVerdict({ ...policy, tokens: 0 }, account({ emailVerified: true })),
    ).to.deep.equal({
      eligible: false,
      reason: "disabled",
    });
  });

  it("reads the facts from an ID token and from the sign-up record", () => {
    expect(
      accountFactsFromToken({ email_verified: true, firebase: { sign_in_provider: "password" } }),
    ).to.deep.equal({ anonymous: false, emailVerified: true, providers: ["password"] });
    expect(
      accountFactsFromToken({ firebase: { sign_in_provider: "anonymous" } }).anonymous,
    ).to.equal(true);
    expect(accountFactsFromRecord({ providerData: [] }).anonymous).to.equal(true);
    expect(
      accountFactsFromRecord({ emailVerified: true, providerData: [{ providerId: "password" }] }),
    ).to.deep.equal({ anonymous: false, emailVerified: true, providers: ["password"] });
  });

  it("splits the daily budget over the shards in whole grants, never more than the budget", () => {
    for (const [budget, tokens] of [
      [100_000, 100],
      [1000, 100],
      [1050, 100],
      [99, 100],
      [5, 1],
    ]) {
      const total = Array.from({ length: WELCOME_BUDGET_SHARDS }, (_, s) =>
        shardCapacity(budget, tokens, s),
      ).reduce((a, b) => a + b, 0);
      expect(total, `${budget}/${tokens}`).to.equal(Math.floor(budget / tokens));
    }
    expect(shardCapacity(1000, 0, 0)).to.equal(0);
  });

  it("tries every shard once from a random start, and counts by UTC day", () => {
    const order = shardOrder(5);
    expect(order[0]).to.equal(5);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: WELCOME_BUDGET_SHARDS }, (_, i) => i),
    );
    expect(budgetDay(Date.UTC(2026, 11, 2, 23, 59))).to.equal("2026-12-02");
  });
});
