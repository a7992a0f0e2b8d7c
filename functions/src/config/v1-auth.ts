/**
 * The 1st-gen Auth trigger with runtime options (service account, labels, limits).
 * `runWith()` lives in the `firebase-functions/v1` entry point, which loads the Firestore SDK
 * into every cold start; `firebase-functions/v1/auth` builds the same trigger through
 * `_userWithOptions` (what `runWith(options).auth.user()` calls), which its typings omit.
 * The deploy-manifest test checks that the options reach the manifest.
 */
import * as auth from "firebase-functions/v1/auth";
import type { RuntimeOptions } from "firebase-functions/v1";

type UserWithOptions = (options: RuntimeOptions, userOptions: object) => auth.UserBuilder;

export function userWith(options: RuntimeOptions): auth.UserBuilder {
  const build = (auth as unknown as { _userWithOptions?: UserWithOptions })._userWithOptions;
  if (typeof build !== "function") {
    throw new Error("firebase-functions/v1/auth no longer exports _userWithOptions");
  }
  return build(options, {});
}
