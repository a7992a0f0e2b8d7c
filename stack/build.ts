import { REPO_ROOT } from "./config";
import { runChild } from "./child";

/** tsc → functions/lib; the emulators load the built code. */
export async function buildFunctions(): Promise<boolean> {
  const started = Date.now();
  console.log("▶ building functions (npm --prefix functions run build)");
  const code = await runChild("npm", ["--prefix", "functions", "run", "build"], { cwd: REPO_ROOT });
  if (code !== 0) {
    console.error(`✖ functions build failed (exit ${code}); fix the compile errors above`);
    return false;
  }
  console.log(`✔ functions built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}
