// The Firebase emulators (Auth, Functions, Cloud Tasks) on the project snapshot, on the
// stack's fixed ports, in a process group of their own so stop() takes every worker down.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { addr, PROJECT_ID } from "../../stack/config";
import { hubEmulators, loadedFunctionTriggers } from "../../stack/probes";
import { descendants, isAlive, signal } from "../../stack/process-tree";
import { REPO_ROOT, SCRATCH_DIR } from "./paths";

export const EMULATOR_LOG = path.join(SCRATCH_DIR, "emulators.log");
const FIREBASE_BIN = path.join(REPO_ROOT, "node_modules", ".bin", "firebase");
const ONLY = ["auth", "functions", "tasks"];

export interface BenchEmulators {
  stop(): Promise<void>;
}

export async function startEmulators(
  projectDir: string,
  extraEnv: NodeJS.ProcessEnv = {},
  timeoutMs = 180_000,
) {
  const log = openSync(EMULATOR_LOG, "w");
  const child = spawn(
    FIREBASE_BIN,
    ["emulators:start", "--only", ONLY.join(","), "--project", PROJECT_ID, "--non-interactive"],
    {
      cwd: projectDir,
      env: {
        ...process.env,
        ...extraEnv,
        FIRESTORE_EMULATOR_HOST: addr("firestore"),
        NO_UPDATE_NOTIFIER: "1",
      },
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error("firebase emulators:start did not start");
  let exited = false;
  child.once("exit", () => (exited = true));
  const killOnExit = () => signal(-pid, "SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    const tree = descendants(pid);
    signal(-pid, "SIGINT");
    for (let waited = 0; !exited && waited < 10_000; waited += 200)
      await new Promise((r) => setTimeout(r, 200));
    signal(-pid, "SIGKILL");
    for (const p of tree) if (isAlive(p)) signal(p, "SIGKILL");
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await hubEmulators();
    if (ONLY.every((n) => running.includes(n)) && (await loadedFunctionTriggers()) > 0) break;
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`Firebase emulators did not start; see ${EMULATOR_LOG}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { stop } satisfies BenchEmulators;
}
