// Runs a bench child script in a fresh plain `node` process. The scripts are TypeScript,
// transpiled here once: a loader such as tsx would hook every require() and distort the
// module-load and RSS figures the children exist to measure.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { SCRATCH_DIR } from "./paths";

const CHILDREN_DIR = path.resolve(__dirname, "../children");
const OUT_DIR = path.join(SCRATCH_DIR, "children");
const built = new Map<string, string>();

function transpiled(name: string): string {
  let file = built.get(name);
  if (!file) {
    const source = readFileSync(path.join(CHILDREN_DIR, `${name}.ts`), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    mkdirSync(OUT_DIR, { recursive: true });
    file = path.join(OUT_DIR, `${name}.js`);
    writeFileSync(file, outputText);
    built.set(name, file);
  }
  return file;
}

/** Runs children/<name>.ts; it prints its result as JSON on its last stdout line. */
export function runChild<T>(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeOptions?: string[]; timeoutMs?: number } = {},
): Promise<T> {
  const file = transpiled(name);
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), file, ...args], {
      env: { ...(options.env ?? process.env), NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const last = out.trimEnd().split("\n").pop() ?? "";
      if (code !== 0) {
        reject(new Error(`${name} exited ${code ?? signal}: ${(err || out).slice(-1500)}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${name}: no JSON result on the last line: ${last.slice(0, 300)}`));
      }
    });
  });
}
