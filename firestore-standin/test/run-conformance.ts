// Runs the conformance suite against a stand-in (or, with --raw, the unmodified
// @firestore-emulator/server) started on a free port.
//   tsx firestore-standin/test/run-conformance.ts [--raw] [--lock-timeout-ms 2000] [-- <mocha args>]
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";

import { startStandin } from "../src/index";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      raw: { type: "boolean", default: false },
      "lock-timeout-ms": { type: "string", default: "2000" },
    },
    allowPositionals: true,
  });
  const lockTimeoutMs = Number(values["lock-timeout-ms"]);
  const standin = await startStandin({ port: 0, raw: values.raw, lockTimeoutMs });
  const host = `127.0.0.1:${standin.port}`;
  console.log(
    `${values.raw ? "raw server" : "stand-in"} on ${host}, lock limit ${lockTimeoutMs} ms`,
  );
  const root = path.resolve(__dirname, "../..");
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          require.resolve("mocha/bin/mocha.js", { paths: [root] }),
          "--exit",
          path.join(root, "firestore-standin/test/*.test.ts"),
          ...positionals,
        ],
        {
          cwd: root,
          stdio: "inherit",
          env: {
            ...process.env,
            FIRESTORE_EMULATOR_HOST: host,
            FIRESTORE_LOCK_TIMEOUT_MS: String(lockTimeoutMs),
          },
        },
      );
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await standin.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
