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

/**
 * Ctrl-C (or SIGTERM) for a command that runs on the local stack: the first signal aborts a
 * stack start in progress (the command cleans up when the start returns) or else runs `stop`
 * and exits 130; a second signal exits at once.
 */
export class StackSession {
  interrupted = false;
  private readonly abort = new AbortController();
  private starting = false;

  constructor(
    private readonly log: (m: string) => void,
    stop: () => Promise<void>,
  ) {
    let signals = 0;
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      process.on(sig, () => {
        if (++signals > 1) process.exit(130);
        log(`\n${sig}: stopping…`);
        this.interrupted = true;
        this.abort.abort();
        if (this.starting) return;
        void stop().finally(() => process.exit(130));
      });
    }
  }

  /** ensureStack, aborted by a signal (startStack stops what it began). */
  async ensureStack(): Promise<DemoStack> {
    this.starting = true;
    try {
      return await ensureStack(this.abort.signal, this.log);
    } finally {
      this.starting = false;
    }
  }
}
