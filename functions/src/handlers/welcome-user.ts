/**
 * Sign-up: the user document, with the welcome grant if the policy admits the account now
 * (see domain/welcome-policy); existing users are left alone.
 */
import { welcomePolicy } from "../config/welcome";
import { accountFactsFromRecord } from "../domain/welcome-policy";
import { ensureUser } from "../adapters/user-store";
import { logs } from "../logs";

export async function welcomeUser(user: {
  uid: string;
  emailVerified?: boolean;
  providerData?: ReadonlyArray<{ providerId: string }>;
}): Promise<void> {
  const policy = welcomePolicy();
  const status = await ensureUser(user.uid, {
    policy,
    account: accountFactsFromRecord(user),
    nowMs: Date.now(),
  });
  logs.userCreated(user.uid, status, status === "granted" ? policy.tokens : 0);
}
