import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const FUNCTIONS_DIR = path.join(REPO_ROOT, "functions");
/** Built functions (npm --prefix functions run build): what the emulator and children load. */
export const FUNCTIONS_LIB = path.join(FUNCTIONS_DIR, "lib");
/** Git-ignored scratch space: transpiled child scripts, the generated 512 MB file. */
export const SCRATCH_DIR = path.join(REPO_ROOT, ".bench");
