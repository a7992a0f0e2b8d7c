// The Firebase emulators (Auth, Functions, Cloud Tasks) on the project snapshot, on the
// stack's fixed ports: the stack's own start (same environment, timeouts and process-group
// stop), run from the snapshot folder with a log of the bench's own.
import path from "node:path";
import { startFirebaseEmulators } from "../../stack/firebase-emulators";
import { SCRATCH_DIR } from "./paths";

export const EMULATOR_LOG = path.join(SCRATCH_DIR, "emulators.log");

export interface BenchEmulators {
  stop(): Promise<void>;
}

export function startEmulators(
  projectDir: string,
  extraEnv: Record<string, string> = {},
  readyTimeoutMs = 180_000,
): Promise<BenchEmulators> {
  return startFirebaseEmulators({
    projectDir,
    logFile: EMULATOR_LOG,
    env: extraEnv,
    readyTimeoutMs,
  });
}
