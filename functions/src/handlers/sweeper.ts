/**
 * The sweeper: the backstop that brings every creation to an end state even when tasks are
 * lost (Cloud Tasks drops a task silently once its retries run out). Each decision is taken
 * again inside a transaction, so a worker finishing at the same moment wins cleanly.
 */
import { FieldValue, Timestamp, type DocumentData } from "firebase-admin/firestore";
import {
  decideSweep,
  expectedStartWaitMs,
  rescuedFields,
  type SweepThresholds,
} from "../domain/sweep";
import type { Creation } from "../domain/creation";
import { userMessageFor } from "../domain/failure";
import { markEnqueueFailed, refundCreation } from "../adapters/creation-store";
import { collections, firestore } from "../adapters/firebase";
import { enqueueStep, QUEUES } from "../adapters/task-queue";
import { logs } from "../logs";

export interface SweepReport {
  examined: number;
  reEnqueued: number;
  refunded: number;
}

/** Enough for a pass every 5 minutes; anything left waits for the next pass. */
const BATCH = 200;

const millis = (value: unknown): number =>
  value instanceof Timestamp ? value.toMillis() : Date.now();

export async function sweepCreations(
  thresholds: SweepThresholds,
  nowMs = Date.now(),
): Promise<SweepReport> {
  const creations = firestore().collection(collections.creations);
  const olderThan = (status: string, field: string, ms: number) =>
    creations
      .where("status", "==", status)
      .where(field, "<", Timestamp.fromMillis(nowMs - ms))
      .orderBy(field)
      .limit(BATCH)
      .get();
  const found = await Promise.all([
    olderThan("pending", "createdAt", thresholds.staleAfterMs),
    olderThan("processing", "updatedAt", thresholds.staleAfterMs),
    // Busy but never finishing (a render that polls forever): only the hard limit ends it.
    olderThan("processing", "createdAt", thresholds.hardLimitMs),
  ]);
  const ids = new Set(found.flatMap((query) => query.docs.map((doc) => doc.id)));
  // The pending ones come oldest first, and every pending job created earlier is older than the
  // threshold too: the i-th is at position i + 1 of the start queue (FIFO by creation time).
  const positions = new Map(found[0].docs.map((doc, i) => [doc.id, i + 1]));
  const report: SweepReport = { examined: 0, reEnqueued: 0, refunded: 0 };
  for (const id of ids) {
    report.examined++;
    try {
      const outcome = await sweepOne(id, thresholds, nowMs, positions.get(id) ?? 1);
      if (outcome === "re-enqueue") report.reEnqueued++;
      if (outcome === "give-up") report.refunded++;
    } catch (err) {
      logs.unexpected("sweeper", err, { creationId: id });
    }
  }
  logs.sweep(report);
  return report;
}

/**
 * Keeps `queuePosition` and `estimatedReadyAt` of pending creations current: one pass reads the
 * pending ones oldest first (admission bounds how many there can be) and rewrites those whose
 * position moved, each in a transaction that checks it is still pending (a worker may have
 * claimed it meanwhile). Per pending job and pass: one read, at most one write; no document is
 * written on every submission or start.
 */
export async function refreshQueuePositions(
  startsPerMinute: number,
  renderMs: number,
  nowMs = Date.now(),
  limit = 2000,
): Promise<number> {
  const db = firestore();
  const pending = await db
    .collection(collections.creations)
    .where("status", "==", "pending")
    .orderBy("createdAt")
    .limit(limit)
    .get();
  let moved = 0;
  for (const [i, doc] of pending.docs.entries()) {
    const queuePosition = i + 1;
    if (doc.get("queuePosition") === queuePosition) continue;
    const estimatedReadyAt = new Date(
      nowMs + expectedStartWaitMs(queuePosition, startsPerMinute) + renderMs,
    );
    const wrote = await db.runTransaction(async (tx) => {
      const current = await tx.get(doc.ref);
      if (current.get("status") !== "pending") return false;
      tx.update(doc.ref, { queuePosition, estimatedReadyAt });
      return true;
    });
    if (wrote) moved++;
  }
  return moved;
}

async function sweepOne(
  id: string,
  thresholds: SweepThresholds,
  nowMs: number,
  queuePosition: number,
): Promise<"none" | "re-enqueue" | "give-up"> {
  const decide = (data: DocumentData) =>
    decideSweep(
      data as Creation,
      millis(data.createdAt),
      millis(data.updatedAt),
      nowMs,
      thresholds,
      queuePosition,
    );

  const ref = firestore().collection(collections.creations).doc(id);
  const rescue = await firestore().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return null;
    const creation = snap.data() as Creation;
    const action = decide(creation);
    if (action === "re-enqueue-same") return { action, creation };
    if (action !== "re-enqueue") return { action, creation };
    const rescued = rescuedFields(creation);
    tx.update(ref, { ...rescued, updatedAt: FieldValue.serverTimestamp() });
    return { action, creation: { ...creation, ...rescued } };
  });
  if (!rescue) return "none";
  const queue = rescue.creation.operationName ? QUEUES.poll : QUEUES.start;
  if (rescue.action === "re-enqueue-same") {
    // Same task id: Cloud Tasks refuses a copy of a task it still holds (then nothing changes).
    const step = { creationId: id, step: rescue.creation.workerStep };
    const result = await enqueueStep(queue, step);
    if (result === "already-enqueued") {
      logs.swept(id, "still-queued", rescue.creation.status);
      return "none";
    }
    // Its quiet time starts over: a re-enqueued task that is merely slow is not duplicated.
    await markEnqueueFailed(id, false);
    logs.swept(id, "re-enqueued-same-task", rescue.creation.status);
    return "re-enqueue";
  }
  if (rescue.action === "re-enqueue") {
    await enqueueStep(queue, { creationId: id, step: rescue.creation.workerStep });
    logs.swept(id, "re-enqueued", rescue.creation.status);
    return "re-enqueue";
  }
  if (rescue.action === "give-up") {
    const result = await refundCreation(id, {
      status: "failed",
      error: userMessageFor("stuck"),
      errorKind: "stuck",
      onlyIf: (current) => decide(current) === "give-up",
    });
    if (result.refunded) {
      logs.refunded(id, rescue.creation.userId, rescue.creation.cost, "stuck");
      return "give-up";
    }
  }
  return "none";
}
