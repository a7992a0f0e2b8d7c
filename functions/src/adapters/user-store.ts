/** Users and token grants. Every balance change writes its ledger entry in the same commit. */
import { FieldValue, type Transaction } from "firebase-admin/firestore";
import {
  decideGrant,
  grantEntry,
  ledgerIds,
  type GrantDecision,
  type LedgerEntry,
} from "../domain/ledger";
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
 * The welcome grant a user without a document gets: `welcomeTokens`, or 0 if a welcome entry
 * already exists (a document deleted by hand must not be a second welcome). Read inside the
 * transaction that then calls `writeNewUser`.
 */
export async function welcomeGrantFor(
  tx: Transaction,
  userId: string,
  welcomeTokens: number,
): Promise<number> {
  const welcome = await tx.get(
    firestore().collection(collections.transactions).doc(ledgerIds.welcome(userId)),
  );
  return welcome.exists ? 0 : welcomeTokens;
}

/** Creates a user document whose balance starts with the welcome grant (and its ledger entry). */
export function writeNewUser(
  tx: Transaction,
  userId: string,
  grant: number,
  balances: { tokenBalance: number; totalTokensSpent: number } = {
    tokenBalance: grant,
    totalTokensSpent: 0,
  },
): void {
  tx.create(firestore().collection(collections.users).doc(userId), {
    ...balances,
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
  });
  if (grant > 0)
    writeLedgerEntry(tx, grantEntry(ledgerIds.welcome(userId), userId, grant, "welcome"));
}

/**
 * Sign-up: the user document with the welcome grant, unless it exists. (A first submission
 * that beats the Auth trigger does the same inside its own transaction.) Returns whether
 * this call created it.
 */
export async function ensureUser(userId: string, welcomeTokens: number): Promise<boolean> {
  const db = firestore();
  return db.runTransaction(async (tx) => {
    const user = await tx.get(db.collection(collections.users).doc(userId));
    if (user.exists) return false;
    writeNewUser(tx, userId, await welcomeGrantFor(tx, userId, welcomeTokens));
    return true;
  }, MONEY_TRANSACTION);
}

export type GrantOutcome = { decision: GrantDecision; balance: number } | null;

/**
 * Adds tokens to an existing user, once per grantId: the ledger entry's id derives from it, so
 * a retried grant finds its entry and adds nothing. Null if there is no such user.
 */
export async function grantTokens(grant: {
  userId: string;
  grantId: string;
  amount: number;
  reason: string;
  grantedBy: string;
}): Promise<GrantOutcome> {
  const db = firestore();
  const userRef = db.collection(collections.users).doc(grant.userId);
  const entryRef = db
    .collection(collections.transactions)
    .doc(ledgerIds.grant(grant.userId, grant.grantId));
  return db.runTransaction(async (tx): Promise<GrantOutcome> => {
    const [user, entry] = await Promise.all([tx.get(userRef), tx.get(entryRef)]);
    if (!user.exists) return null;
    const current = user.get("tokenBalance") as number;
    const decision = decideGrant(entry.exists ? (entry.data() as LedgerEntry) : null, grant);
    if (decision !== "apply") return { decision, balance: current };
    const balance = current + grant.amount;
    tx.update(userRef, { tokenBalance: balance, updatedAt: FieldValue.serverTimestamp() });
    writeLedgerEntry(
      tx,
      grantEntry(entryRef.id, grant.userId, grant.amount, grant.reason, grant.grantedBy),
    );
    return { decision, balance };
  }, MONEY_TRANSACTION);
}
