/** The Admin SDK, initialised once and only by the functions that use it. */
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

let db: Firestore | undefined;

export function firestore(): Firestore {
  if (!db) {
    if (!getApps().length) initializeApp();
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
