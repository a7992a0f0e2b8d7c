/**
 * `uploads/{uploadId}`: one document per image a user uploads, so a request can only name an
 * upload its caller made. The per-user quota of unused uploads is a query inside the
 * transaction that creates one (no counter document: nothing hot to contend on); the user's
 * document is read, not written, so one user's concurrent requests take turns.
 */
import { randomBytes } from "node:crypto";
import { FieldValue } from "firebase-admin/firestore";
import type { UploadContentType } from "../contract";
import {
  decideUpload,
  uploadKeyOf,
  type UploadDecision,
  type UploadRecord,
} from "../domain/uploads";
import { collections, firestore } from "./firebase";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 28 random characters (about 166 bits): an id nobody guesses. */
export function mintUploadId(): string {
  const bytes = randomBytes(28);
  return "up_" + [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

const uploads = () => firestore().collection(collections.uploads);

/** Records a new upload unless the user already holds `maxPending` unused ones. */
export async function reserveUpload(
  userId: string,
  uploadId: string,
  declared: { contentType: UploadContentType; size: number },
  limits: { maxPending: number; ttlMs: number; nowMs: number },
): Promise<UploadDecision> {
  const db = firestore();
  const pending = uploads()
    .where("userId", "==", userId)
    .where("status", "==", "pending")
    .limit(limits.maxPending + 1);
  return db.runTransaction(async (tx) => {
    await tx.get(db.collection(collections.users).doc(userId));
    const held = (await tx.get(pending)).docs.map((d) => d.data() as UploadRecord);
    const decision = decideUpload(held, limits);
    if (decision.outcome === "reject") return decision;
    const record: UploadRecord = {
      userId,
      key: uploadKeyOf(userId, uploadId),
      contentType: declared.contentType,
      size: declared.size,
      status: "pending",
      creationId: null,
      expiresAtMs: limits.nowMs + limits.ttlMs,
    };
    tx.create(uploads().doc(uploadId), { ...record, createdAt: FieldValue.serverTimestamp() });
    return decision;
  });
}

export async function getUpload(uploadId: string): Promise<UploadRecord | null> {
  const snap = await uploads().doc(uploadId).get();
  return snap.exists ? (snap.data() as UploadRecord) : null;
}

/** After a submission: the uploads it names no longer count against the quota. */
export async function markUploadsUsed(uploadIds: string[], creationId: string): Promise<void> {
  await Promise.all(
    uploadIds.map((id) =>
      uploads()
        .doc(id)
        .update({ status: "used", creationId, updatedAt: FieldValue.serverTimestamp() }),
    ),
  );
}

/** Uploads past their lifetime, oldest first (the sweeper removes them with their object). */
export async function expiredUploads(
  nowMs: number,
  limit: number,
): Promise<{ id: string; key: string }[]> {
  const snap = await uploads()
    .where("expiresAtMs", "<", nowMs)
    .orderBy("expiresAtMs")
    .limit(limit)
    .get();
  return snap.docs.map((d) => ({ id: d.id, key: d.get("key") as string }));
}

export async function deleteUpload(uploadId: string): Promise<void> {
  await uploads().doc(uploadId).delete();
}
