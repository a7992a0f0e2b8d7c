/**
 * Enqueues a task on a task-queue function directly (Cloud Tasks emulator at
 * CLOUD_TASKS_EMULATOR_HOST), e.g. a second delivery of a step under another task id.
 */
import { adminFunctions } from "./admin";
import { db } from "./pipeline";

export async function enqueueTask(queue: string, data: Record<string, unknown>, id: string) {
  db(); // initialises the Admin app
  await adminFunctions.getFunctions().taskQueue(queue).enqueue(data, { id });
}
