// A fresh demo user: sign-up on the Auth emulator, then the welcome grant written by the
// Auth trigger, seen through a document listener on users/{uid} (bounded).
import { randomUUID } from "node:crypto";
import { createUserWithEmailAndPassword, type Auth } from "firebase/auth";
import { doc, onSnapshot, type Firestore } from "firebase/firestore";

export interface DemoUser {
  uid: string;
  email: string;
}

export async function signUpDemoUser(auth: Auth): Promise<DemoUser> {
  const email = `demo-${Date.now()}-${randomUUID().slice(0, 6)}@phoenix.test`;
  const { user } = await createUserWithEmailAndPassword(auth, email, randomUUID());
  return { uid: user.uid, email };
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
    // Assigned once onSnapshot returns; its first callback may already have finished.
    // eslint-disable-next-line prefer-const
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
      () =>
        finish(() => reject(new Error(`no ${what} on users/${uid} after ${timeoutMs / 1000}s`))),
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
