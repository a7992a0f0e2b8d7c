/**
 * A minimal in-process Cloud Tasks dispatcher for worker tests: delivers the recorded tasks
 * at their schedule time and redelivers a throwing one with retryCount + 1, up to maxAttempts.
 */
import { processCreation, type WorkerDeps } from "../functions/src/handlers/process-creation";
import type { RecordedTask, TaskRecorder } from "./task-recorder";

export interface Delivery {
  task: RecordedTask;
  retryCount: number;
  error?: unknown;
}

type Request = Parameters<typeof processCreation>[0];

export function taskRequest(data: unknown, retryCount = 0): Request {
  return {
    data,
    retryCount,
    executionCount: retryCount,
    queueName: "test",
    id: "test",
  } as unknown as Request;
}

export async function drain(
  recorder: TaskRecorder,
  deps: WorkerDeps,
  { maxDeliveries = 200 } = {},
): Promise<Delivery[]> {
  const log: Delivery[] = [];
  const queue: Delivery[] = recorder.take().map((task) => ({ task, retryCount: 0 }));
  while (queue.length) {
    if (log.length >= maxDeliveries) throw new Error(`more than ${maxDeliveries} deliveries`);
    const next = queue.shift()!;
    const due = next.task.scheduleTime ? Date.parse(next.task.scheduleTime) - Date.now() : 0;
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    const delivery: Delivery = { ...next };
    try {
      await processCreation(taskRequest(next.task.data, next.retryCount), deps);
    } catch (error) {
      delivery.error = error;
      if (next.retryCount + 1 < deps.settings.maxAttempts)
        queue.push({ task: next.task, retryCount: next.retryCount + 1 });
    }
    log.push(delivery);
    queue.push(...recorder.take().map((task) => ({ task, retryCount: 0 })));
  }
  return log;
}
