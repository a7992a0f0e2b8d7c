// The R2 stand-in: s3rver serving the S3 API from the local disk, in a child process
// (s3-process.ts) so that tests can stop, kill and restart it while the stack runs.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { netNamespace, PORTS, S3_DATA_DIR, S3_PID_FILE } from "./config";
import { waitForPortsFree } from "./ports";
import { isAlive, signal } from "./process-tree";

export interface RunningS3 {
  /** Pid of the server process this call started. */
  pid: number;
  /** Stops the server that currently serves the port (this one, or one restarted since). */
  stop(): Promise<void>;
}

export interface S3Options {
  /** Start with an empty data folder. */
  fresh?: boolean;
  /** Kill the server when this process exits without stop() (the stack's owner sets it). */
  killOnExit?: boolean;
  readyTimeoutMs?: number;
}

const S3_PROCESS = path.join(__dirname, "s3-process.ts");

export async function startS3(options: S3Options = {}): Promise<RunningS3> {
  if (options.fresh) rmSync(S3_DATA_DIR, { recursive: true, force: true });
  mkdirSync(S3_DATA_DIR, { recursive: true });
  const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), S3_PROCESS], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`S3 server not ready after ${options.readyTimeoutMs ?? 30_000} ms`));
    }, options.readyTimeoutMs ?? 30_000);
    child.once("message", (message: { ready?: boolean; pid?: number; error?: string }) => {
      clearTimeout(timer);
      if (message.ready && message.pid) resolve(message.pid);
      else reject(new Error(`S3 server failed to start: ${message.error ?? "unknown error"}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`S3 server exited (code ${code}) before it was ready`));
    });
  });
  // The server lives on its own; the stop() below and the pid file find it again.
  child.removeAllListeners("exit");
  child.disconnect();
  child.unref();

  const killOnExit = () => {
    signal(pid, "SIGKILL");
    const current = currentS3Pid();
    if (current) signal(current, "SIGKILL");
  };
  if (options.killOnExit) process.once("exit", killOnExit);
  return {
    pid,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      await stopS3Process(pid);
      const current = currentS3Pid();
      if (current && current !== pid) await stopS3Process(current);
    },
  };
}

/** Pid of the S3 server process serving the stack now, from its pid file. */
export function currentS3Pid(): number | undefined {
  try {
    const pid = Number(readFileSync(S3_PID_FILE, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && isS3Process(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Our S3 server: its command line, and the same network namespace as this process. */
function isS3Process(pid: number): boolean {
  if (process.platform !== "linux") return isAlive(pid);
  try {
    const ns = netNamespace(pid);
    return (
      readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("s3-process") &&
      ns !== undefined &&
      ns === netNamespace()
    );
  } catch {
    return false;
  }
}

/** SIGTERM (the server closes), SIGKILL after a grace period, then wait for the port. */
export async function stopS3Process(pid: number, graceMs = 5000): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, "SIGCONT"); // a stopped process cannot handle SIGTERM
  signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) signal(pid, "SIGKILL");
  await waitForPortsFree([PORTS.s3], 5000);
}
