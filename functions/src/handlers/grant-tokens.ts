/**
 * `grantTokens`: admins (custom claim `admin: true`) add tokens with a ledger entry, once per
 * `grantId`, so an admin tool that retries after a lost reply never grants twice.
 */
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { ErrorReason, grantTokensInput, type GrantTokensResult } from "../contract";
import { grantTokens as addTokens } from "../adapters/user-store";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

export async function grantTokens(request: CallableRequest<unknown>): Promise<GrantTokensResult> {
  const callerId = requireUser(request);
  if (request.auth?.token.admin !== true) {
    throw new HttpsError("permission-denied", "Only administrators can grant tokens.");
  }
  const input = parseInput(grantTokensInput, request.data);
  return guarded("grantTokens", async () => {
    const outcome = await addTokens({ ...input, grantedBy: callerId });
    if (outcome === null) throw new HttpsError("not-found", "No such user.");
    if (outcome.decision === "reused") {
      throw new HttpsError(
        "failed-precondition",
        "This grantId was already used for a different grant.",
        { reason: ErrorReason.idempotencyKeyReused },
      );
    }
    const replayed = outcome.decision === "replay";
    if (!replayed) logs.tokensGranted(input.userId, input.amount, callerId);
    return { userId: input.userId, balance: outcome.balance, replayed };
  });
}
