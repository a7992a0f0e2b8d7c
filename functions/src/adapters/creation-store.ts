/**
 * Every change of a creation document, each in one Firestore transaction that re-reads the
 * state it depends on. No side effects inside a transaction callback: it may run again.
 * Decisions are the domain's (admission, claim, refund, sweep); a status is only ever written
 * as `transition(from, to)` returns it, so the state machine refuses an illegal change.
 */
import { FieldValue, type DocumentReference, type Transaction } from "firebase-admin/firestore";
import { creationIdFor, decideAdmission, type Admission } from "../domain/admission";
import { ACTIVE_STATUSES, canDelete, isEnd, transition } from "../domain/creation-state";
import { pricePerVideoOf, type Creation } from "../domain/creation";
import { queuePlacement, type BacklogDecision } from "../domain/backlog";
import { debitEntry, refundEntries, videoRefundEntry } from "../domain/ledger";
import {
  decideMediaOp,
  MEDIA_OP_LEASE_MS,
  type MediaOp,
  type MediaOpDecision,
  type MediaOpKind,
} from "../domain/media-op";
import { publicProjection } from "../domain/public-creation";
import { decideRefund, refundedBalances, type RefundEnd } from "../domain/refund";
import { claimedFields, decideClaim, type Claim } from "../domain/worker-step";
import type { CreationMedia, CreationStatus, FilterCategory, UndeliveredVideo } from "../contract";
import { collections, firestore, MONEY_TRANSACTION } from "./firebase";
import { planWelcome, writeLedgerEntry, writeNewUser, type WelcomeRequest } from "./user-store";

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

/**
 * The id of a new creation: derived from the user and the requestId when there is one (a
 * replay finds its creation by a plain read), otherwise a fresh Firestore id.
 */
export function mintCreationId(userId: string, requestId?: string): string {
  return requestId
    ? creationIdFor(userId, requestId)
    : firestore().collection(collections.creations).doc().id;
}

export type SubmitOutcome =
  | { outcome: "created" | "replayed"; cost: number; balance: number; status: CreationStatus }
  | Extract<Admission, { outcome: "reject" }>;

export interface SubmitLimits {
  maxActiveJobs: number;
  welcome: WelcomeRequest;
  /**
   * The start queue's backlog decision, begun before the transaction so the count runs
   * alongside its reads; only a new job waits for it (a replay is answered without it).
   */
  backlog: Promise<BacklogDecision>;
}

/**
 * Debits the user, writes the creation and its ledger entry: all or nothing. A user whose
 * document the sign-up trigger has not written yet gets it here, welcome grant included.
 */
export async function submitCreation(
  creationId: string,
  creation: Creation,
  limits: SubmitLimits,
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
    // One round trip for what admission needs: the user (balance, unfinished jobs; read so
    // locked, it serialises this user's submissions), the creation the request id maps to,
    // and its debit entry (a key charged once, then deleted, stays spent).
    const [userSnap, existingSnap, debitSnap] = await tx.getAll(user, ref, debitRef);
    // Users from before the counter existed are counted once by query; every later change of
    // the count happens in the transactions that start or end a job.
    const counted = userSnap.get("activeJobs") as number | undefined;
    const activeJobs = counted ?? (await active.get()).size;
    const welcome = userSnap.exists ? null : await planWelcome(tx, creation.userId, limits.welcome);
    const balance = welcome ? welcome.grant : (userSnap.get("tokenBalance") as number);
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
      activeJobs,
      maxActiveJobs,
    });
    if (admission.outcome === "reject") return admission;
    if (admission.outcome === "replay") {
      const stored = existingSnap.data() as Creation;
      return { outcome: "replayed", cost: stored.cost, balance, status: stored.status };
    }
    const placement = queuePlacement(await limits.backlog);
    if (placement.outcome === "reject") return placement;
    const balances = {
      tokenBalance: balance - creation.cost,
      totalTokensSpent:
        ((userSnap.get("totalTokensSpent") as number | undefined) ?? 0) + creation.cost,
      activeJobs: activeJobs + 1,
    };
    if (welcome) writeNewUser(tx, creation.userId, welcome, balances);
    else tx.update(user, { ...balances, updatedAt: FieldValue.serverTimestamp() });
    tx.create(ref, {
      ...creation,
      ...placement.fields,
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
      status: creation.status,
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
    const claimed = claimedFields(creation, step, owner, nowMs, leaseMs);
    tx.update(creationRef(creationId), {
      ...claimed,
      ...(creation.status === "pending" ? { workerStartedAt: FieldValue.serverTimestamp() } : {}),
      updatedAt: FieldValue.serverTimestamp(),
    });
    return { claim, creation: { ...creation, ...claimed } };
  });
}

/** Fields a lease owner writes along the way; a status change goes through `transition`. */
export type LeasedFields = Partial<Omit<Creation, "status">> & { status?: never };

/**
 * Progress, the operation, retries: updates a creation only while `owner` still holds its
 * lease and it has not ended (the sweeper or a cancel may have finished it meanwhile).
 * Returns whether it wrote.
 */
export async function updateIfOwner(
  creationId: string,
  owner: string,
  fields: LeasedFields,
): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (!creation || isEnd(creation.status) || creation.leaseOwner !== owner) return false;
    tx.update(creationRef(creationId), { ...fields, updatedAt: FieldValue.serverTimestamp() });
    return true;
  });
}

/** What a finished delivery records: its videos, and those asked for that did not arrive. */
export interface Delivery {
  fields: Pick<
    Creation,
    "mediaPath" | "mediaUrl" | "generationTime" | "modelUsed" | "enhancedPrompt"
  >;
  media: CreationMedia[];
  undelivered: UndeliveredVideo[];
  /** The model's own report of filtered videos, kept for operators. */
  filterDetails?: Record<string, unknown>;
}

/**
 * processing -> draft, for the lease owner of a creation that was not refunded meanwhile;
 * the job stops counting against the user's unfinished jobs in the same commit, and each
 * undelivered video is refunded in it too: one ledger entry per video, its id derived from
 * the creation and the video's index, so no retry or duplicate delivery can refund it twice.
 */
export async function finishCreation(
  creationId: string,
  owner: string,
  delivery: Delivery,
): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (!creation || isEnd(creation.status) || creation.leaseOwner !== owner) return false;
    const user = await tx.get(userRef(creation.userId));
    const perVideo = pricePerVideoOf(creation);
    const refundedTokens = perVideo * delivery.undelivered.length;
    tx.update(creationRef(creationId), {
      ...delivery.fields,
      media: delivery.media,
      undelivered: delivery.undelivered,
      refundedTokens,
      ...(delivery.filterDetails ? { errorDetails: delivery.filterDetails } : {}),
      ...transition(creation.status, "draft"),
      progress: 1,
      leaseOwner: null,
      leaseExpiresAtMs: null,
      error: null,
      lastError: null,
      completedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    const activeJobs = user.get("activeJobs") as number | undefined;
    const counters = user.data() as { tokenBalance: number; totalTokensSpent: number };
    const userFields = {
      ...(activeJobs === undefined ? {} : { activeJobs: Math.max(0, activeJobs - 1) }),
      ...(refundedTokens ? refundedBalances(counters, refundedTokens) : {}),
    };
    if (Object.keys(userFields).length) tx.update(userRef(creation.userId), userFields);
    for (const video of delivery.undelivered) {
      writeLedgerEntry(
        tx,
        videoRefundEntry(
          { id: creationId, userId: creation.userId },
          video.index,
          perVideo,
          video.reason,
        ),
      );
    }
    return true;
  }, MONEY_TRANSACTION);
}

const publicRef = (id: string): DocumentReference =>
  firestore().collection(collections.publicCreations).doc(id);

export type MediaOpClaim = MediaOpDecision & { creation: Creation | null };

/**
 * Claims a creation's media operation for one publish or delete call (see domain/media-op).
 * Only the owner's creations are seen: anyone else's is reported as missing.
 */
export async function claimMediaOp(
  creationId: string,
  userId: string,
  kind: MediaOpKind,
  owner: string,
  nowMs: number,
): Promise<MediaOpClaim> {
  return firestore().runTransaction(async (tx) => {
    const found = await readCreation(tx, creationId);
    const creation = found?.userId === userId ? found : null;
    const decision = decideMediaOp(creation, kind, nowMs);
    if (decision.outcome === "claim" && creation) {
      const mediaOp: MediaOp = { kind, owner, expiresAtMs: nowMs + MEDIA_OP_LEASE_MS };
      tx.update(creationRef(creationId), { mediaOp });
    }
    return { ...decision, creation };
  });
}

/** Gives up a media operation this call holds (a failed publish). */
export async function releaseMediaOp(creationId: string, owner: string): Promise<void> {
  await firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (creation?.mediaOp?.owner === owner) tx.update(creationRef(creationId), { mediaOp: null });
  });
}

/**
 * draft -> published, with the public projection, for the publish that holds the media
 * operation. False when it lost the lease or the creation changed: the caller removes its copy.
 */
export async function completePublish(
  creationId: string,
  owner: string,
  mediaUrl: string,
  creatorName: string | null,
  /** Every delivered video with its public URL (older documents: none). */
  media: CreationMedia[] = [],
): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (creation?.status !== "draft" || creation.mediaOp?.owner !== owner) return false;
    tx.update(creationRef(creationId), {
      ...transition(creation.status, "published"),
      mediaUrl,
      ...(media.length ? { media } : {}),
      mediaOp: null,
      publishedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    tx.set(publicRef(creationId), {
      // The feed shows the first video and its poster.
      ...publicProjection(creationId, creation, mediaUrl, creatorName, media[0]?.posterUrl ?? null),
      publishedAt: FieldValue.serverTimestamp(),
    });
    return true;
  });
}

/**
 * Deletes the creation and its public projection, for the delete that holds the media
 * operation (its objects are already removed). True when it is gone now; the ledger keeps
 * its entries.
 */
export async function completeDelete(creationId: string, owner: string): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const creation = await readCreation(tx, creationId);
    if (!creation) return true;
    if (creation.mediaOp?.owner !== owner || !canDelete(creation.status)) return false;
    tx.delete(creationRef(creationId));
    tx.delete(publicRef(creationId));
    return true;
  });
}

export interface RefundRequest {
  status: RefundEnd;
  error: string;
  errorKind: string;
  /** A content-policy failure's category (domain/filter-reasons.ts). */
  filterCategory?: FilterCategory;
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
    const decision = decideRefund(creation, request.status, request.onlyIf);
    if (decision.outcome === "keep") return { refunded: false, creation, why: decision.why };
    if (!creation) return { refunded: false, creation, why: "missing" }; // (decided above)
    const user = await tx.get(userRef(creation.userId));
    const counters = user.data() as { tokenBalance: number; totalTokensSpent: number };
    const activeJobs = user.get("activeJobs") as number | undefined;
    tx.update(userRef(creation.userId), {
      ...refundedBalances(counters, creation.cost),
      // Refunds end unfinished jobs only (a delivered one is never refunded).
      ...(activeJobs === undefined ? {} : { activeJobs: Math.max(0, activeJobs - 1) }),
      updatedAt: FieldValue.serverTimestamp(),
    });
    const ended: Partial<Creation> = {
      ...transition(creation.status, request.status),
      error: request.error,
      errorKind: request.errorKind,
      refunded: true,
      leaseOwner: null,
      leaseExpiresAtMs: null,
    };
    tx.update(creationRef(creationId), {
      ...ended,
      ...(request.details ? { errorDetails: request.details } : {}),
      ...(request.filterCategory ? { filterCategory: request.filterCategory } : {}),
      ...(request.lastError ? { lastError: request.lastError } : {}),
      refundedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    for (const entry of refundEntries({ id: creationId, ...creation }, request.errorKind))
      writeLedgerEntry(tx, entry);
    return { refunded: true, creation: { ...creation, ...ended } };
  }, MONEY_TRANSACTION);
}
