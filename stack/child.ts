// Child processes the runner waits on; the current one gets our signals forwarded.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

let current: ChildProcess | undefined;

export function runChild(command: string, args: string[], options: SpawnOptions): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", ...options });
    current = child;
    child.once("error", (err) => {
      console.error(`could not run ${command}: ${err.message}`);
      resolve(127);
    });
    child.once("exit", (code, signal) => {
      if (current === child) current = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Pass a signal on to the running child (a terminal Ctrl-C reaches it anyway). */
export function signalCurrentChild(signal: NodeJS.Signals): void {
  current?.kill(signal);
}
