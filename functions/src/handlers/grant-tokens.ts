/** `grantTokens`: admins (custom claim `admin: true`) add tokens with a ledger entry. */
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { grantTokensInput, type GrantTokensResult } from "../contract";
import * as userStore from "../adapters/user-store";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

export interface GrantDeps {
  addTokens: typeof userStore.grantTokens;
}

export async function grantTokens(
  request: CallableRequest<unknown>,
  deps: GrantDeps = { addTokens: userStore.grantTokens },
): Promise<GrantTokensResult> {
  const callerId = requireUser(request);
  if (request.auth?.token.admin !== true) {
    throw new HttpsError("permission-denied", "Only administrators can grant tokens.");
  }
  const input = parseInput(grantTokensInput, request.data);
  return guarded("grantTokens", async () => {
    const balance = await deps.addTokens(input.userId, input.amount, input.reason, callerId);
    if (balance === null) throw new HttpsError("not-found", "No such user.");
    logs.tokensGranted(input.userId, input.amount, callerId);
    return { userId: input.userId, balance };
  });
}
