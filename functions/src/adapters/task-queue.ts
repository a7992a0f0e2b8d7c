/**
 * Enqueues worker steps on the task-queue functions with the Admin SDK (which also routes to
 * the Cloud Tasks emulator locally). Task ids derive from creation and step, so a repeated
 * enqueue of the same step is a no-op rather than a second job.
 */
import { getFunctions } from "firebase-admin/functions";
import { schedule, wholeSeconds } from "../config/schedule";
import { firestore } from "./firebase";

export const QUEUES = {
  /** Starts paid generations: rate-limited to the model's quota. */
  start: "startGeneration",
  /** Follows running generations: not limited by the start quota. */
  poll: "pollGeneration",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface StepTask {
  creationId: string;
  step: number;
}

export const taskIdOf = (task: StepTask) => `${task.creationId}-${task.step}`;

export async function enqueueStep(
  queue: QueueName,
  task: StepTask,
  delaySeconds = 0,
): Promise<"enqueued" | "already-enqueued"> {
  firestore(); // initialises the Admin app
  try {
    await getFunctions()
      .taskQueue(queue)
      .enqueue(task, {
        id: taskIdOf(task),
        // Scaled like the worker's timeout, which it must outlast (the Admin SDK allows 15-1800 s).
        dispatchDeadlineSeconds: wholeSeconds(schedule().ms.dispatchDeadline),
        ...(delaySeconds > 0 ? { scheduleDelaySeconds: delaySeconds } : {}),
      });
    return "enqueued";
  } catch (error) {
    if (isAlreadyExists(error)) return "already-enqueued";
    throw error;
  }
}

function isAlreadyExists(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.endsWith("task-already-exists");
}
