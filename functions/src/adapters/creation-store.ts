/**
 * Every change of a creation document, each in one Firestore transaction that re-reads the
 * state it depends on. No side effects inside a transaction callback: it may run again.
 */
import { FieldValue, type DocumentReference, type Transaction } from "firebase-admin/firestore";
import { decideAdmission, type Admission } from "../domain/admission";
import { ACTIVE_STATUSES, canDelete, isEnd } from "../domain/creation-state";
import type { Creation } from "../domain/creation";
import { debitEntry, refundEntry } from "../domain/ledger";
import { decideClaim, type Claim } from "../domain/worker-step";
import type { CreationStatus } from "../contract";
import { collections, firestore, MONEY_TRANSACTION } from "./firebase";
import { welcomeGrantFor, writeLedgerEntry, writeNewUser } from "./user-store";

const creationRef = (id: string): DocumentReference =>
  firestore().collection(collections.creations).doc(id);
const userRef = (id: string) => firestore().collection(collections.users).doc(id);

async function readCreation(tx: Transaction, id: string): Promise<Creation | null> {
  const snapshot = await tx.get(creationRef(id));
  return snapshot.exists ? (snapshot.data() as Creation) : null;
}

export async function getCreation(id: string): Promise<Creation | null> {
  const snapshot = await creationRef(id).get();
  return snapshot.exists ? (snapshot.data() as Creation) : null;
}

export type SubmitOutcome =
  | { outcome: "created" | "replayed"; cost: number; balance: number; status: CreationStatus }
  | Extract<Admission, { outcome: "reject" }>;

/**
 * Debits the user, writes the creation and its ledger entry: all or nothing. A user whose
 * document the sign-up trigger has not written yet gets it here, welcome grant included.
 */
export async function submitCreation(
  creationId: string,
  creation: Creation,
  limits: { maxActiveJobs: number; welcomeTokens: number },
): Promise<SubmitOutcome> {
  const { maxActiveJobs } = limits;
  const db = firestore();
  const ref = creationRef(creationId);
  const user = userRef(creation.userId);
  const debit = debitEntry({ id: creationId, ...creation });
  const debitRef = db.collection(collections.transactions).doc(debit.id);
  const active = db
    .collection(collections.creations)
    .where("userId", "==", creation.userId)
    .where("status", "in", [...ACTIVE_STATUSES])
    .limit(maxActiveJobs);

  return db.runTransaction(async (tx): Promise<SubmitOutcome> => {
    const [userSnap, existingSnap, debitSnap] = await Promise.all([
      tx.get(user),
      tx.get(ref),
      tx.get(debitRef),
    ]);
    // The user document is this user's submission lock: read (so locked) first, and written by
    // every submission, so this plain query sees all of the user's earlier submissions. A job
    // ending meanwhile only makes the count conservative. A query inside the transaction would
    // also be correct but would lock far more than this user's documents.
    const activeSnap = await active.get();
    const welcome = userSnap.exists
      ? 0
      : await welcomeGrantFor(tx, creation.userId, limits.welcomeTokens);
    const balance = userSnap.exists ? (userSnap.get("tokenBalance") as number) : welcome;
    const existing = existingSnap.exists
      ? (existingSnap.data() as Creation)
      : debitSnap.exists // charged once, then deleted: the key is spent
        ? { userId: creation.userId, requestHash: "(deleted)" }
        : null;
    const admission = decideAdmission({
      userId: creation.userId,
      requestHash: creation.requestHash,
      existing,
      balance,
      cost: creation.cost,
      activeJobs: activeSnap.size,
      maxActiveJobs,
    });
    if (admission.outcome === "reject") return admission;
    if (admission.outcome === "replay") {
      const stored = existingSnap.data() as Creation;
      return { outcome: "replayed", cost: stored.cost, balance, status: stored.status };
    }
    const balances = {
      tokenBalance: balance - creation.cost,
      totalTokensSpent:
        ((userSnap.get("totalTokensSpent") as number | undefined) ?? 0) + creation.cost,
    };
    if (userSnap.exists) tx.update(user, { ...balances, updatedAt: FieldValue.serverTimestamp() });
    else writeNewUser(tx, creation.userId, welcome, balances);
    tx.create(ref, {
      ...creation,
      createdAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
      workerStartedAt: null,
      completedAt: null,
      refundedAt: null,
    });
    writeLedgerEntry(tx, debit);
    return {
      outcome: "created",
      cost: creation.cost,
      balance: balance - creation.cost,
      status: "pending",
    };
  }, MONEY_TRANSACTION);
}

/**
 * Pending creations: one count() aggregation over the status index, billed one read per
 * 1,000 index entries; no counter document is written on every submission or start.
 */
export async function countPending(): Promise<number> {
  const pending = firestore().collection(collections.creations).where("status", "==", "pending");
  return (await pending.count().get()).data().count;
}

export async function markEnqueueFailed(creationId: string, failed: boolean): Promise<void> {
  await creationRef(creationId).update({
    enqueueFailed: failed,
    updatedAt: FieldValue.serverTimestamp(),
  });
}

export type ClaimResult = { claim: Claim; creation: Creation | null };

/** The compare-and-set that gives one task delivery the creation for one step. */
export async function claimCreation(
  creationId: string,
  step: number,
  owner: string,
  nowMs: number,
  leaseMs: number,
): Promise<ClaimResult> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    const claim = decideClaim(creation, step, nowMs);
    if (claim.outcome !== "claim" || !creation) return { claim, creation };
    const claimed: Partial<Creation> = {
      status: "processing",
      workerStep: step,
      leaseOwner: owner,
      leaseExpiresAtMs: nowMs + leaseMs,
      enqueueFailed: false,
      queuePosition: null,
      progress: Math.max(creation.progress, 0.05),
    };
    tx.update(creationRef(creationId), {
      ...claimed,
      ...(creation.status === "pending" ? { workerStartedAt: FieldValue.serverTimestamp() } : {}),
      updatedAt: FieldValue.serverTimestamp(),
    });
    return { claim, creation: { ...creation, ...claimed } };
  });
}

/**
 * Updates a creation only while `owner` still holds its lease and it has not ended (the
 * sweeper or a cancel may have finished it meanwhile). Returns whether it wrote.
 */
export async function updateIfOwner(
  creationId: string,
  owner: string,
  fields: Partial<Creation> & Record<string, unknown>,
): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (!creation || isEnd(creation.status) || creation.leaseOwner !== owner) return false;
    tx.update(creationRef(creationId), { ...fields, updatedAt: FieldValue.serverTimestamp() });
    return true;
  });
}

/** processing -> draft, for the lease owner of a creation that was not refunded meanwhile. */
export async function finishCreation(
  creationId: string,
  owner: string,
  fields: Pick<Creation, "mediaPath" | "mediaUrl" | "generationTime" | "modelUsed">,
): Promise<boolean> {
  return updateIfOwner(creationId, owner, {
    ...fields,
    status: "draft",
    progress: 1,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    error: null,
    completedAt: FieldValue.serverTimestamp(),
  });
}

/** draft -> published. True when it is published now (a repeat is harmless). */
export async function markPublished(creationId: string, mediaUrl: string): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (creation?.status === "published") return true;
    if (creation?.status !== "draft") return false;
    tx.update(creationRef(creationId), {
      status: "published",
      mediaUrl,
      publishedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    return true;
  });
}

/** Deletes a creation that has ended. True when it is gone now; the ledger keeps its entries. */
export async function deleteIfFinished(creationId: string): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (!creation) return true;
    if (!canDelete(creation.status)) return false;
    tx.delete(creationRef(creationId));
    return true;
  });
}

export interface RefundRequest {
  status: "failed" | "cancelled";
  error: string;
  errorKind: string;
  details?: Record<string, unknown>;
  lastError?: string;
  /** An extra condition checked inside the transaction (e.g. "still pending"). */
  onlyIf?: (creation: Creation) => boolean;
}

export type RefundResult =
  | { refunded: true; creation: Creation }
  | {
      refunded: false;
      creation: Creation | null;
      why: "missing" | "already-refunded" | "delivered" | "condition";
    };

/**
 * Ends a creation with a refund, exactly once: the `refunded` flag, the balance and the
 * ledger entry (whose id derives from the creation) change in one commit.
 */
export async function refundCreation(
  creationId: string,
  request: RefundRequest,
): Promise<RefundResult> {
  const db = firestore();
  return db.runTransaction(async (tx): Promise<RefundResult> => {
    const creation = await readCreation(tx, creationId);
    if (!creation) return { refunded: false, creation, why: "missing" };
    if (creation.refunded) return { refunded: false, creation, why: "already-refunded" };
    if (creation.status === "draft" || creation.status === "published")
      return { refunded: false, creation, why: "delivered" };
    if (request.onlyIf && !request.onlyIf(creation))
      return { refunded: false, creation, why: "condition" };
    const user = await tx.get(userRef(creation.userId));
    tx.update(userRef(creation.userId), {
      tokenBalance: (user.get("tokenBalance") as number) + creation.cost,
      totalTokensSpent: (user.get("totalTokensSpent") as number) - creation.cost,
      updatedAt: FieldValue.serverTimestamp(),
    });
    const ended: Partial<Creation> = {
      status: request.status,
      error: request.error,
      errorKind: request.errorKind,
      refunded: true,
      leaseOwner: null,
      leaseExpiresAtMs: null,
    };
    tx.update(creationRef(creationId), {
      ...ended,
      ...(request.details ? { errorDetails: request.details } : {}),
      ...(request.lastError ? { lastError: request.lastError } : {}),
      refundedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    writeLedgerEntry(tx, refundEntry({ id: creationId, ...creation }, request.errorKind));
    return { refunded: true, creation: { ...creation, ...ended } };
  }, MONEY_TRANSACTION);
}
