/**
 * Who gets the welcome grant. Every grant is real Veo spend, so a script that signs up
 * accounts must not farm it: anonymous users get none, email accounts only once their address
 * is verified, federated accounts from trusted providers at once, and all grants of a UTC day
 * together stay within a budget (kept in shards: sign-ups can outrun one write per second).
 */
export interface WelcomePolicy {
  tokens: number;
  requireVerifiedEmail: boolean;
  /** Sign-in providers that verify the address themselves (e.g. google.com, apple.com). */
  trustedProviders: readonly string[];
  /** Welcome tokens granted by all sign-ups of one UTC day together. */
  dailyBudgetTokens: number;
}

/** What the sign-up trigger or an ID token tells about an account. */
export interface AccountFacts {
  anonymous: boolean;
  emailVerified: boolean;
  /** Provider ids linked to the account (password, google.com, …). */
  providers: readonly string[];
}

export type WelcomeWithheld = "anonymous" | "email-not-verified" | "disabled" | "budget-exhausted";

export type WelcomeVerdict = { eligible: true } | { eligible: false; reason: WelcomeWithheld };

/** Whether an account may have the welcome grant now (the daily budget is checked apart). */
export function welcomeVerdict(policy: WelcomePolicy, account: AccountFacts): WelcomeVerdict {
  if (policy.tokens <= 0) return { eligible: false, reason: "disabled" };
  if (account.anonymous) return { eligible: false, reason: "anonymous" };
  const trusted = account.providers.some((p) => policy.trustedProviders.includes(p));
  if (policy.requireVerifiedEmail && !account.emailVerified && !trusted)
    return { eligible: false, reason: "email-not-verified" };
  return { eligible: true };
}

/** Facts from an ID token's claims (callables): `email_verified`, `firebase.sign_in_provider`. */
export function accountFactsFromToken(token: Record<string, unknown>): AccountFacts {
  const firebase = (token.firebase ?? {}) as { sign_in_provider?: unknown };
  const provider = typeof firebase.sign_in_provider === "string" ? firebase.sign_in_provider : "";
  return {
    anonymous: provider === "anonymous",
    emailVerified: token.email_verified === true,
    providers: provider ? [provider] : [],
  };
}

/** Facts from the Auth trigger's user record: no provider at all means an anonymous account. */
export function accountFactsFromRecord(record: {
  emailVerified?: boolean;
  providerData?: ReadonlyArray<{ providerId: string }>;
}): AccountFacts {
  const providers = (record.providerData ?? []).map((p) => p.providerId);
  return {
    anonymous: providers.length === 0,
    emailVerified: record.emailVerified === true,
    providers,
  };
}

// --- The daily budget, in shards ---

export const WELCOME_BUDGET_SHARDS = 16;

/**
 * The welcome grants shard `shard` may give in a day: the day's budget in whole grants, split
 * as evenly as whole grants allow (so all shards together never exceed the budget).
 */
export function shardCapacity(
  dailyBudgetTokens: number,
  grantTokens: number,
  shard: number,
  shards = WELCOME_BUDGET_SHARDS,
): number {
  const grants = grantTokens > 0 ? Math.floor(dailyBudgetTokens / grantTokens) : 0;
  return Math.floor(grants / shards) + (shard < grants % shards ? 1 : 0);
}

/** The UTC day a grant counts against, e.g. "2026-12-02". */
export function budgetDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Shards in the order one sign-up tries them: from a random start, each once. */
export function shardOrder(start: number, shards = WELCOME_BUDGET_SHARDS): number[] {
  return Array.from({ length: shards }, (_, i) => (start + i) % shards);
}
