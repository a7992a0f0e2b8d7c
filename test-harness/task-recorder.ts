/**
 * A stand-in for the Cloud Tasks API for in-process tests: records what the Admin SDK
 * enqueues, answers 409 for a reused task id like Cloud Tasks, and can be told to fail.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedTask {
  queue: string;
  id: string;
  data: unknown;
  scheduleTime?: string;
}

export interface TaskRecorder {
  host: string;
  tasks: RecordedTask[];
  /** While true, every enqueue answers 503. */
  failing: boolean;
  /** Removes and returns the recorded tasks. */
  take(): RecordedTask[];
  stop(): Promise<void>;
}

export async function startTaskRecorder(): Promise<TaskRecorder> {
  const seen = new Set<string>();
  const recorder: TaskRecorder = {
    host: "",
    tasks: [],
    failing: false,
    take: () => recorder.tasks.splice(0),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const queue = /\/queues\/([^/]+)\/tasks/.exec(req.url ?? "")?.[1] ?? "?";
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      // 500, not 503: the Admin SDK retries a 503 for seconds before giving up; the outcome is the same.
      if (recorder.failing)
        return reply(500, { error: { code: 500, status: "INTERNAL", message: "injected" } });
      const task = (
        JSON.parse(body) as {
          task: { name?: string; scheduleTime?: string; httpRequest: { body: string } };
        }
      ).task;
      const id = task.name?.split("/").pop() ?? String(seen.size);
      if (seen.has(`${queue}/${id}`))
        return reply(409, { error: { code: 409, status: "ALREADY_EXISTS", message: "exists" } });
      seen.add(`${queue}/${id}`);
      const payload = JSON.parse(Buffer.from(task.httpRequest.body, "base64").toString()) as {
        data: unknown;
      };
      recorder.tasks.push({ queue, id, data: payload.data, scheduleTime: task.scheduleTime });
      reply(200, task);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  recorder.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return recorder;
}
