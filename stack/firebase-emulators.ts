// The official firebase-tools emulators (Auth, Functions, Cloud Tasks; optionally the
// official Firestore), run from the project's own firebase-tools in a process group of
// their own so that stop() can take down every worker they spawned.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { EMULATOR_LOG, PORTS, PROJECT_ID, REPO_ROOT, addr } from "./config";
import { descendants, isAlive, signal } from "./process-tree";
import { hubEmulators, loadedFunctionTriggers } from "./probes";
import { assertPortsFree, waitForPortsFree } from "./ports";

export interface FirebaseEmulatorOptions {
  /** Run the official (Java) Firestore emulator instead of pointing at the stand-in. */
  officialFirestore?: boolean;
  /** More environment for the emulators and the functions they run. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  /** Aborts a start that is still waiting for readiness (Ctrl-C). */
  signal?: AbortSignal;
  /** The Firebase project folder (firebase.json); default: this repository. */
  projectDir?: string;
  /** Where the emulators' output goes; default: .data/logs/emulators.log. */
  logFile?: string;
}

export interface RunningFirebaseEmulators {
  logFile: string;
  /** Resolves with a message if the emulators exit without stop() being called. */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

export class EmulatorStartError extends Error {}

const FIREBASE_BIN = path.join(REPO_ROOT, "node_modules", ".bin", "firebase");
export const FIREBASE_PORTS = [PORTS.auth, PORTS.functions, PORTS.tasks, PORTS.hub, PORTS.logging];

/** Last lines of the emulator log, for error messages and failed e2e runs. */
export function emulatorLogTail(lines = 60, file = EMULATOR_LOG): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no emulator log)";
  }
}

export async function startFirebaseEmulators(
  options: FirebaseEmulatorOptions = {},
): Promise<RunningFirebaseEmulators> {
  await assertPortsFree(FIREBASE_PORTS.map((port) => ({ port, name: "Firebase emulators" })));
  const only = ["auth", "functions", "tasks", ...(options.officialFirestore ? ["firestore"] : [])];
  const logFile = options.logFile ?? EMULATOR_LOG;
  mkdirSync(path.dirname(logFile), { recursive: true });
  // The child writes to the file itself: its output survives us and never blocks on a pipe.
  const logFd = openSync(logFile, "w");
  writeSync(
    logFd,
    `# firebase emulators:start --only ${only.join(",")} (${new Date().toISOString()})\n`,
  );

  // Functions get their other settings from functions/.env.demo-phoenix and .secret.local.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    NO_UPDATE_NOTIFIER: "1",
    // A new function worker process must answer within this many seconds (firebase-tools'
    // default 30): on a loaded 2-core machine a burst of cold workers takes longer, and each
    // miss fails a task delivery that counts against its retries.
    FUNCTIONS_DISCOVERY_TIMEOUT: process.env.FUNCTIONS_DISCOVERY_TIMEOUT ?? "120",
  };
  if (options.officialFirestore) delete env.FIRESTORE_EMULATOR_HOST;
  else env.FIRESTORE_EMULATOR_HOST = addr("firestore");

  const child = spawn(
    FIREBASE_BIN,
    ["emulators:start", "--only", only.join(","), "--project", PROJECT_ID, "--non-interactive"],
    { cwd: options.projectDir ?? REPO_ROOT, env, detached: true, stdio: ["ignore", logFd, logFd] },
  );
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, sig) => resolve(code ?? (sig ? 128 : null)));
    child.once("error", () => resolve(127));
  });
  // Last resort if our process dies without calling stop(): never leave the group running.
  const killOnExit = () => child.pid !== undefined && signal(-child.pid, "SIGKILL");
  process.once("exit", killOnExit);

  let stopping = false;
  const handle: RunningFirebaseEmulators = {
    logFile,
    crashed: exited.then((code) =>
      stopping
        ? new Promise<string>(() => undefined)
        : `Firebase emulators exited (code ${code}); see ${logFile}`,
    ),
    stop: () => {
      stopping = true;
      return stopGroup(child, exited, options.stopGraceMs ?? 10_000).finally(() => {
        process.removeListener("exit", killOnExit);
      });
    },
  };

  try {
    await waitUntilReady(only, exited, options.readyTimeoutMs ?? 120_000, options.signal, logFile);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

async function waitUntilReady(
  only: string[],
  exited: Promise<number | null>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  logFile: string,
): Promise<void> {
  const started = Date.now();
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (signal?.aborted)
      throw new EmulatorStartError("start of the Firebase emulators interrupted");
    if (exitCode !== undefined) {
      throw new EmulatorStartError(
        `firebase emulators:start exited (code ${exitCode}) before it was ready. ` +
          `Last lines of ${path.relative(REPO_ROOT, logFile)}:\n${emulatorLogTail(25, logFile)}`,
      );
    }
    const running = await hubEmulators();
    if (only.every((name) => running.includes(name)) && (await loadedFunctionTriggers()) > 0)
      return;
    if (Date.now() - started > timeoutMs) {
      throw new EmulatorStartError(
        `Firebase emulators not ready after ${timeoutMs / 1000}s (hub reports: ` +
          `${running.join(", ") || "nothing"}). Last lines of the log:\n${emulatorLogTail(25, logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGINT the group (firebase-tools shuts its emulators down), then SIGKILL what is left. */
async function stopGroup(child: ChildProcess, exited: Promise<number | null>, graceMs: number) {
  const pid = child.pid;
  if (pid === undefined) return;
  // Snapshot now: once firebase-tools is gone its detached children are re-parented.
  const tree = descendants(pid);
  if (isAlive(pid)) {
    signal(-pid, "SIGINT");
    await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  }
  signal(-pid, "SIGKILL");
  for (const p of tree) if (isAlive(p)) signal(p, "SIGKILL");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
  await waitForPortsFree(FIREBASE_PORTS, 5000);
}
