/** The HttpsError code a handler call ends with ("ok" when it succeeds). */
import { HttpsError } from "firebase-functions/v2/https";

export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (err instanceof HttpsError) return err.code;
    throw err;
  }
}
