/**
 * The sweeper: the backstop that brings every creation to an end state even when tasks are
 * lost (Cloud Tasks drops a task silently once its retries run out). Each decision is taken
 * again inside a transaction, so a worker finishing at the same moment wins cleanly.
 */
import { decideSweep, type SweepAction, type SweepThresholds } from "../domain/sweep";
import { userMessageFor } from "../domain/failure";
import {
  findSweepCandidates,
  refundCreation,
  rescueCreation,
  timedCreation,
  type TimedCreation,
} from "../adapters/creation-store";
import { enqueueStep, QUEUES } from "../adapters/task-queue";
import { logs } from "../logs";

export interface SweepReport {
  examined: number;
  reEnqueued: number;
  refunded: number;
}

export async function sweepCreations(
  thresholds: SweepThresholds,
  nowMs = Date.now(),
): Promise<SweepReport> {
  const ids = await findSweepCandidates(thresholds, nowMs);
  const report: SweepReport = { examined: 0, reEnqueued: 0, refunded: 0 };
  for (const id of ids) {
    report.examined++;
    try {
      const outcome = await sweepOne(id, thresholds, nowMs);
      if (outcome === "re-enqueue") report.reEnqueued++;
      if (outcome === "give-up") report.refunded++;
    } catch (err) {
      logs.unexpected("sweeper", err, { creationId: id });
    }
  }
  logs.sweep(report);
  return report;
}

async function sweepOne(
  id: string,
  thresholds: SweepThresholds,
  nowMs: number,
): Promise<SweepAction> {
  const decide = ({ creation, createdAtMs, updatedAtMs }: TimedCreation) =>
    decideSweep(creation, createdAtMs, updatedAtMs, nowMs, thresholds);

  const rescue = await rescueCreation(id, decide);
  if (!rescue) return "none";
  if (rescue.action === "re-enqueue") {
    const queue = rescue.creation.operationName ? QUEUES.poll : QUEUES.start;
    await enqueueStep(queue, { creationId: id, step: rescue.creation.workerStep });
    logs.swept(id, "re-enqueued", rescue.creation.status);
    return "re-enqueue";
  }
  if (rescue.action === "give-up") {
    const result = await refundCreation(id, {
      status: "failed",
      error: userMessageFor("stuck"),
      errorKind: "stuck",
      onlyIf: (current) => decide(timedCreation(current)) === "give-up",
    });
    if (result.refunded) {
      logs.refunded(id, rescue.creation.userId, rescue.creation.cost, "stuck");
      return "give-up";
    }
  }
  return "none";
}
