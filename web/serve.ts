// `npm run web`: Phoenix Studio on http://127.0.0.1:5173 against the local stack. Reuses a
// complete running stack (`npm run emulators`, `npm start`) or starts one; Ctrl-C stops what
// this run started and leaves the rest.
import { StackProblem, StackSession, type DemoStack } from "../demo/local-stack";
import { PortInUseError, assertPortsFree } from "../stack/ports";
import { startStudio, STUDIO_PORT, type StudioServer } from "./server";

const say = (line: string) => console.log(line);

let stack: DemoStack | undefined;
let studio: StudioServer | undefined;
let stopping: Promise<void> | undefined;
const session = new StackSession(say, stop);

async function main(): Promise<void> {
  // Before the stack: a taken web port should not cost a stack start.
  await assertPortsFree([{ port: STUDIO_PORT, name: "Phoenix Studio" }]);
  say("Phoenix Studio — local (Ctrl-C to stop)");
  stack = await session.ensureStack();
  if (session.interrupted) return;
  say(
    `✔ local stack ${stack.started ? "started" : "reused (already running; left running on exit)"}`,
  );
  void stack.stack.crashed.then((message) => {
    console.error(`✖ the local stack stopped: ${message}`);
    void stop().finally(() => process.exit(1));
  });
  studio = await startStudio(STUDIO_PORT);
  say(`✔ Phoenix Studio: ${studio.url}  (Ctrl-C to stop)`);
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    await studio?.close().catch(() => undefined);
    if (stack?.started) {
      say("▶ stopping the local stack this run started");
      await stack.stack.stop();
    }
    say("✔ stopped");
  })();
  return stopping;
}

main().then(
  async () => {
    // Ctrl-C during the stack's start: the start was aborted; stop whatever came up anyway.
    if (!session.interrupted) return;
    await stop();
    process.exit(130);
  },
  async (err: unknown) => {
    if (session.interrupted) {
      await stop();
      process.exit(130);
    }
    // Known problems are explained in their message; anything else shows its stack.
    const known = err instanceof StackProblem || err instanceof PortInUseError;
    const text =
      err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err);
    console.error(`✖ ${text}`);
    await stop();
    process.exit(1);
  },
);
