/**
 * `claimWelcomeGrant`: the welcome grant for an account that qualifies now but did not at
 * sign-up (an email address verified later). At most once per user.
 */
import type { CallableRequest } from "firebase-functions/v2/https";
import { claimWelcomeGrantInput, type ClaimWelcomeGrantResult } from "../contract";
import { welcomePolicy } from "../config/welcome";
import { accountFactsFromToken } from "../domain/welcome-policy";
import { claimWelcome } from "../adapters/user-store";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

export async function claimWelcomeGrant(
  request: CallableRequest<unknown>,
): Promise<ClaimWelcomeGrantResult> {
  const userId = requireUser(request);
  parseInput(claimWelcomeGrantInput, request.data);
  return guarded("claimWelcomeGrant", async () => {
    const policy = welcomePolicy();
    const { status, balance } = await claimWelcome(userId, {
      policy,
      account: accountFactsFromToken(request.auth?.token ?? {}),
      nowMs: Date.now(),
    });
    const granted = status === "granted";
    logs.welcomeClaimed(userId, status, granted ? policy.tokens : 0);
    return granted ? { granted, balance } : { granted, balance, reason: status };
  });
}
