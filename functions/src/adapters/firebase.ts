/** The Admin SDK, initialised once and only by the functions that use it. */
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { projectID } from "firebase-functions/params";
import { serviceAccountEmail } from "../config/deployment";
import { runtimeServiceAccount } from "../config/params";

let db: Firestore | undefined;

export function firestore(): Firestore {
  if (!db) {
    // The functions run as this account. Naming it saves the Admin SDK a metadata-server
    // lookup on every task enqueue: it does not cache a failed lookup, and the emulator answers
    // that lookup only after ~2 s (which made each poll step outlast its 1 s interval).
    const serviceAccountId = serviceAccountEmail(runtimeServiceAccount.value(), projectID.value());
    if (!getApps().length) initializeApp(serviceAccountId ? { serviceAccountId } : {});
    db = getFirestore();
  }
  return db;
}

export const collections = {
  users: "users",
  creations: "creations",
  transactions: "transactions",
  publicCreations: "publicCreations",
  welcomeBudget: "welcomeBudget",
  uploads: "uploads",
} as const;

/** Money transactions retry more than the SDK's default 5 times: contention is expected. */
export const MONEY_TRANSACTION = { maxAttempts: 20 } as const;
