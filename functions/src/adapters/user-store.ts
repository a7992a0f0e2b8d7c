/** Users and token grants. Every balance change writes its ledger entry in the same commit. */
import { FieldValue, type Transaction } from "firebase-admin/firestore";
import { grantEntry, ledgerIds, type LedgerEntry } from "../domain/ledger";
import { collections, firestore, MONEY_TRANSACTION } from "./firebase";

export function writeLedgerEntry(tx: Transaction, entry: LedgerEntry): void {
  const { id, ...fields } = entry;
  // create(), not set(): a second entry with the same id fails the whole commit.
  tx.create(firestore().collection(collections.transactions).doc(id), {
    ...fields,
    timestamp: FieldValue.serverTimestamp(),
  });
}

/**
 * Creates the user document with the welcome grant unless it exists. Runs from the Auth
 * trigger and, for a user whose trigger has not run yet, from the first submission.
 * Returns whether this call created it.
 */
export async function ensureUser(userId: string, welcomeTokens: number): Promise<boolean> {
  const db = firestore();
  const userRef = db.collection(collections.users).doc(userId);
  return db.runTransaction(async (tx) => {
    const user = await tx.get(userRef);
    if (user.exists) return false;
    const welcomeRef = db.collection(collections.transactions).doc(ledgerIds.welcome(userId));
    const earlierWelcome = await tx.get(welcomeRef);
    const grant = earlierWelcome.exists ? 0 : welcomeTokens;
    tx.create(userRef, {
      tokenBalance: grant,
      totalTokensSpent: 0,
      createdAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    if (grant > 0) writeLedgerEntry(tx, grantEntry(welcomeRef.id, userId, grant, "welcome"));
    return true;
  }, MONEY_TRANSACTION);
}

/** Adds tokens to an existing user; returns the new balance, or null if there is no such user. */
export async function grantTokens(
  userId: string,
  amount: number,
  reason: string,
  grantedBy: string,
): Promise<number | null> {
  const db = firestore();
  const userRef = db.collection(collections.users).doc(userId);
  return db.runTransaction(async (tx) => {
    const user = await tx.get(userRef);
    if (!user.exists) return null;
    const balance = (user.get("tokenBalance") as number) + amount;
    tx.update(userRef, { tokenBalance: balance, updatedAt: FieldValue.serverTimestamp() });
    const entryId = db.collection(collections.transactions).doc().id;
    writeLedgerEntry(tx, grantEntry(entryId, userId, amount, reason, grantedBy));
    return balance;
  }, MONEY_TRANSACTION);
}
