import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const FUNCTIONS_DIR = path.join(REPO_ROOT, "functions");
/** Built functions (npm --prefix functions run build). */
export const FUNCTIONS_LIB = path.join(FUNCTIONS_DIR, "lib");
/** Git-ignored scratch space: transpiled child scripts, the project snapshot, generated files. */
export const SCRATCH_DIR = path.join(REPO_ROOT, ".bench");

/** The functions build the children load: the bench's snapshot when it runs, else functions/lib. */
export const functionsLib = (): string => process.env.BENCH_FUNCTIONS_LIB ?? FUNCTIONS_LIB;
