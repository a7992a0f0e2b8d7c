// A fresh demo user as an app makes one: sign-up on the Auth emulator, the address verified
// through the link the emulator "sends" (its inbox is a REST endpoint), then the welcome grant
// claimed and seen through a document listener on users/{uid} (bounded).
import { randomUUID } from "node:crypto";
import {
  applyActionCode,
  createUserWithEmailAndPassword,
  sendEmailVerification,
  type Auth,
} from "firebase/auth";
import { doc, onSnapshot, type Firestore } from "firebase/firestore";
import type { Functions } from "firebase/functions";
import { claimWelcomeGrant, type ClaimWelcomeGrantResult } from "../client";
import { HOST, PORTS, PROJECT_ID } from "../stack/config";

export interface DemoUser {
  uid: string;
  email: string;
}

export async function signUpDemoUser(auth: Auth): Promise<DemoUser> {
  const email = `demo-${Date.now()}-${randomUUID().slice(0, 6)}@phoenix.test`;
  const { user } = await createUserWithEmailAndPassword(auth, email, randomUUID());
  return { uid: user.uid, email };
}

interface OobCode {
  email: string;
  requestType: string;
  oobCode: string;
}

/**
 * Verifies the signed-in user's email address as its owner would: asks for the verification
 * mail, takes the code from the Auth emulator's inbox, applies it, refreshes the ID token.
 */
export async function verifyEmail(auth: Auth): Promise<void> {
  const user = auth.currentUser;
  if (!user?.email) throw new Error("verifyEmail needs a signed-in email user");
  await sendEmailVerification(user);
  const inbox = `http://${HOST}:${PORTS.auth}/emulator/v1/projects/${PROJECT_ID}/oobCodes`;
  const { oobCodes } = (await (await fetch(inbox)).json()) as { oobCodes: OobCode[] };
  const mail = oobCodes.findLast((c) => c.email === user.email && c.requestType === "VERIFY_EMAIL");
  if (!mail) throw new Error(`no verification mail for ${user.email} in the Auth emulator`);
  await applyActionCode(auth, mail.oobCode);
  await user.reload();
  await user.getIdToken(true); // the callables see email_verified from now on
}

/** Signs up, verifies the address and claims the welcome grant: what a new app user does. */
export async function signUpVerifiedUser(
  auth: Auth,
  functions: Functions,
): Promise<DemoUser & { welcome: ClaimWelcomeGrantResult }> {
  const user = await signUpDemoUser(auth);
  await verifyEmail(auth);
  return { ...user, welcome: await claimWelcomeGrant(functions) };
}

/** Resolves with the first `tokenBalance` of users/{uid} that `accept` takes. */
export function waitForBalance(
  db: Firestore,
  uid: string,
  accept: (balance: number) => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no ${what} on users/${uid} after ${timeoutMs / 1000}s`))),
      timeoutMs,
    );
    unsubscribe = onSnapshot(
      doc(db, "users", uid),
      (snap) => {
        const balance: unknown = snap.get("tokenBalance");
        if (typeof balance === "number" && accept(balance)) finish(() => resolve(balance));
      },
      (err) => finish(() => reject(err)),
    );
    if (done) unsubscribe();
  });
}
