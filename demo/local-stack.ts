// The local stack for the demo: reuse a complete running one, or build the functions and
// start one that stop() takes down again. Port and start errors become plain advice.
import { buildFunctions } from "../stack/build";
import { EMULATOR_LOG, REPO_ROOT } from "../stack/config";
import { EmulatorStartError } from "../stack/firebase-emulators";
import { assertPortsFree, PortInUseError } from "../stack/ports";
import { firestoreReady, hubEmulators, loadedFunctionTriggers, s3Ready } from "../stack/probes";
import { portsFor, startStack, type Stack } from "../stack/stack";
import path from "node:path";

export interface DemoStack {
  stack: Stack;
  /** False when an already running stack was reused (and is left running). */
  started: boolean;
}

export class StackProblem extends Error {}

/** Same test as startStack's reuse check, made here to skip the build when reusing. */
async function completeStackRunning(): Promise<boolean> {
  if (!(await firestoreReady()) || !(await s3Ready())) return false;
  const running = await hubEmulators();
  return (
    ["auth", "functions", "tasks"].every((n) => running.includes(n)) &&
    (await loadedFunctionTriggers()) > 0
  );
}

export async function ensureStack(
  signal: AbortSignal,
  log: (m: string) => void,
): Promise<DemoStack> {
  const running = await completeStackRunning();
  if (!running) {
    // Fail on a taken port before spending time on the build.
    await assertPortsFree(portsFor({ firebase: true })).catch((err: unknown) => {
      throw new StackProblem(explain(err));
    });
    log("▶ no local stack running: starting one (first start builds the functions)");
    if (!(await buildFunctions()))
      throw new StackProblem("the functions do not compile; see the errors above");
  }
  try {
    const stack = await startStack({
      firebase: true,
      reuseRunning: true,
      signal,
      log: (m) => log(`  · ${m}`),
    });
    return { stack, started: !running };
  } catch (err) {
    throw new StackProblem(explain(err));
  }
}

function explain(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const logFile = path.relative(REPO_ROOT, EMULATOR_LOG);
  if (err instanceof PortInUseError) {
    return (
      `the local stack cannot start: ${message}\n` +
      `  A complete running stack (npm run emulators) is reused; a partial one or another program is not.`
    );
  }
  if (err instanceof EmulatorStartError)
    return `the Firebase emulators did not come up: ${message}\n  Full log: ${logFile}`;
  return `the local stack did not come up: ${message}\n  Emulator log: ${logFile}`;
}
