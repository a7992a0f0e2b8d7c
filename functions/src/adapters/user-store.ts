/** Users and token grants. Every balance change writes its ledger entry in the same commit. */
import { FieldValue, type Transaction } from "firebase-admin/firestore";
import {
  decideGrant,
  grantEntry,
  ledgerIds,
  type GrantDecision,
  type LedgerEntry,
} from "../domain/ledger";
import {
  welcomeVerdict,
  type AccountFacts,
  type WelcomePolicy,
  type WelcomeWithheld,
} from "../domain/welcome-policy";
import { collections, firestore, MONEY_TRANSACTION } from "./firebase";
import { reserveWelcomeBudget } from "./welcome-budget";

export function writeLedgerEntry(tx: Transaction, entry: LedgerEntry): void {
  const { id, ...fields } = entry;
  // create(), not set(): a second entry with the same id fails the whole commit.
  tx.create(firestore().collection(collections.transactions).doc(id), {
    ...fields,
    timestamp: FieldValue.serverTimestamp(),
  });
}

export interface WelcomeRequest {
  policy: WelcomePolicy;
  account: AccountFacts;
  nowMs: number;
}

export type WelcomeStatus = "granted" | "already-granted" | WelcomeWithheld;

export interface WelcomePlan {
  grant: number;
  status: WelcomeStatus;
  /** Takes the grant from the daily budget; run with the transaction's writes. */
  reserve: () => void;
}

/**
 * Inside a transaction, before any of its writes: the welcome grant this user gets now. Zero
 * when the policy withholds it, the day's budget is spent, or the user had it already (the
 * ledger entry `welcome_{uid}` is the once-only mark, so a recreated document gets none).
 */
export async function planWelcome(
  tx: Transaction,
  userId: string,
  request: WelcomeRequest,
): Promise<WelcomePlan> {
  const none = (status: WelcomeStatus): WelcomePlan => ({ grant: 0, status, reserve: () => {} });
  const verdict = welcomeVerdict(request.policy, request.account);
  if (!verdict.eligible) return none(verdict.reason);
  const welcome = await tx.get(
    firestore().collection(collections.transactions).doc(ledgerIds.welcome(userId)),
  );
  if (welcome.exists) return none("already-granted");
  const { tokens, dailyBudgetTokens } = request.policy;
  const reserve = await reserveWelcomeBudget(tx, tokens, dailyBudgetTokens, request.nowMs);
  if (!reserve) return none("budget-exhausted");
  return { grant: tokens, status: "granted", reserve };
}

function writeWelcome(tx: Transaction, userId: string, plan: WelcomePlan): void {
  if (plan.grant <= 0) return;
  plan.reserve();
  writeLedgerEntry(tx, grantEntry(ledgerIds.welcome(userId), userId, plan.grant, "welcome"));
}

/** Creates a user document whose balance starts with the planned welcome grant (and its entry). */
export function writeNewUser(
  tx: Transaction,
  userId: string,
  plan: WelcomePlan,
  balances: { tokenBalance: number; totalTokensSpent: number; activeJobs: number } = {
    tokenBalance: plan.grant,
    totalTokensSpent: 0,
    activeJobs: 0,
  },
): void {
  tx.create(firestore().collection(collections.users).doc(userId), {
    ...balances,
    welcomeStatus: plan.status,
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
  });
  writeWelcome(tx, userId, plan);
}

/**
 * Sign-up: the user document, with the welcome grant if the policy admits the account now,
 * unless the document exists. (A first submission that beats the Auth trigger does the same
 * inside its own transaction.) Returns the welcome status, or null if the document existed.
 */
export async function ensureUser(
  userId: string,
  welcome: WelcomeRequest,
): Promise<WelcomeStatus | null> {
  const db = firestore();
  return db.runTransaction(async (tx) => {
    const user = await tx.get(db.collection(collections.users).doc(userId));
    if (user.exists) return null;
    const plan = await planWelcome(tx, userId, welcome);
    writeNewUser(tx, userId, plan);
    return plan.status;
  }, MONEY_TRANSACTION);
}

/**
 * The welcome grant for an account that qualifies now (e.g. its email was verified after
 * sign-up): at most once per user, whatever the order of sign-up, claims and submissions.
 */
export async function claimWelcome(
  userId: string,
  welcome: WelcomeRequest,
): Promise<{ status: WelcomeStatus; balance: number }> {
  const db = firestore();
  const userRef = db.collection(collections.users).doc(userId);
  return db.runTransaction(async (tx) => {
    const user = await tx.get(userRef);
    const plan = await planWelcome(tx, userId, welcome);
    if (!user.exists) {
      writeNewUser(tx, userId, plan);
      return { status: plan.status, balance: plan.grant };
    }
    const current = user.get("tokenBalance") as number;
    if (plan.grant <= 0) return { status: plan.status, balance: current };
    tx.update(userRef, {
      tokenBalance: current + plan.grant,
      welcomeStatus: plan.status,
      updatedAt: FieldValue.serverTimestamp(),
    });
    writeWelcome(tx, userId, plan);
    return { status: plan.status, balance: current + plan.grant };
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
