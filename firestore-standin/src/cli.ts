// tsx firestore-standin/src/cli.ts --port 8080 [--host 127.0.0.1] [--raw] [--lock-timeout-ms 15000] [--rules firestore.rules]
import { parseArgs } from "node:util";

import { DEFAULT_LOCK_TIMEOUT_MS, startStandin } from "./index";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      raw: { type: "boolean", default: false },
      rules: { type: "string" },
      "lock-timeout-ms": {
        type: "string",
        default: process.env.FIRESTORE_LOCK_TIMEOUT_MS ?? String(DEFAULT_LOCK_TIMEOUT_MS),
      },
    },
  });
  const port = Number(values.port);
  const lockTimeoutMs = Number(values["lock-timeout-ms"]);
  if (!Number.isInteger(port) || port < 0 || !(lockTimeoutMs > 0)) {
    throw new Error(
      "usage: cli.ts --port <n> [--host h] [--raw] [--lock-timeout-ms n] [--rules file]",
    );
  }
  const standin = await startStandin({
    host: values.host,
    port,
    raw: values.raw,
    lockTimeoutMs,
    rulesFile: values.rules,
  });
  const mode = values.raw ? "raw @firestore-emulator/server" : `lock timeout ${lockTimeoutMs} ms`;
  console.log(`Firestore stand-in ready on ${values.host}:${standin.port} (${mode})`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    standin.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
