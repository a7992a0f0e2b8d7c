// One mocha child process per .mocharc group, counts read back from the stats reporter.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./config";
import { runChild } from "./child";
import type { MochaGroup } from "./test-files";

export interface Counts {
  passed: number;
  failed: number;
  pending: number;
}

const MOCHA_BIN = path.join(REPO_ROOT, "node_modules", ".bin", "mocha");
const REPORTER = path.join(__dirname, "mocha-stats-reporter.ts");

export async function runMocha(group: MochaGroup, env: NodeJS.ProcessEnv): Promise<Counts> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "phoenix-mocha-"));
  const statsFile = path.join(dir, "stats.json");
  const args = [
    "--exit",
    ...(group.config ? ["--config", group.config] : ["--require", "tsx/cjs", "--extension", "ts"]),
    "--reporter",
    REPORTER,
    "--reporter-option",
    `statsFile=${statsFile}`,
    ...group.files.map((f) => path.relative(group.cwd, f)),
  ];
  try {
    const code = await runChild(MOCHA_BIN, args, { cwd: group.cwd, env });
    let stats: { passes: number; failures: number; pending: number } | undefined;
    try {
      stats = JSON.parse(readFileSync(statsFile, "utf8")) as typeof stats;
    } catch {
      stats = undefined;
    }
    const counts: Counts = {
      passed: stats?.passes ?? 0,
      failed: stats?.failures ?? 0,
      pending: stats?.pending ?? 0,
    };
    // A crash before the run ended (load error, killed) leaves no stats: still a failure.
    if (code !== 0 && counts.failed === 0) {
      console.error(
        `✖ mocha in ${path.relative(REPO_ROOT, group.cwd) || "."} exited with code ${code}`,
      );
      counts.failed = 1;
    }
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
