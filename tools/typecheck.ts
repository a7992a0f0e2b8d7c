// `npm run typecheck`: `tsc --noEmit` over every TypeScript folder of the repo, tests included.
// A folder is a directory with a tsconfig.json (each extends tsconfig.base.json); a new folder
// is picked up as soon as it has one. Runs them one after the other (the machine is small) and
// prints one line per folder, then the failures' compiler output.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const TSC = require.resolve("typescript/bin/tsc");
const SKIP = new Set(["node_modules", "lib", "out", "terraform"]);

function projects(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) projects(full, out);
    else if (entry.name === "tsconfig.json" && dir !== ROOT) out.push(full);
  }
  return out;
}

let failed = 0;
for (const project of projects(ROOT).sort()) {
  const name = path.relative(ROOT, path.dirname(project));
  const started = Date.now();
  const run = spawnSync(process.execPath, [TSC, "--noEmit", "-p", project], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = run.status === 0;
  console.log(`${ok ? "✔" : "✖"} ${name.padEnd(20)} ${seconds}s`);
  if (!ok) {
    failed++;
    process.stdout.write(run.stdout + run.stderr);
  }
}
console.log(failed ? `${failed} folder(s) with type errors` : "no type errors");
process.exitCode = failed ? 1 : 0;
