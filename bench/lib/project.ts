// A private snapshot of the built functions for the emulators and the child processes. The
// checkout is shared: another engineer's build or edit under functions/ makes the Functions
// emulator reload, which kills its warm workers and turns every later call into a cold start.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { FUNCTIONS_DIR, REPO_ROOT, SCRATCH_DIR } from "./paths";

export const PROJECT_DIR = path.join(SCRATCH_DIR, "project");
export const SNAPSHOT_FUNCTIONS = path.join(PROJECT_DIR, "functions");

/** Copies lib, assets, package.json and the local env files; links node_modules. */
export function snapshotProject(): { projectDir: string; functionsLib: string } {
  rmSync(PROJECT_DIR, { recursive: true, force: true });
  mkdirSync(SNAPSHOT_FUNCTIONS, { recursive: true });
  for (const dir of ["lib", "assets"])
    cpSync(path.join(FUNCTIONS_DIR, dir), path.join(SNAPSHOT_FUNCTIONS, dir), { recursive: true });
  for (const file of ["package.json", ".env.demo-phoenix", ".secret.local"]) {
    const from = path.join(FUNCTIONS_DIR, file);
    if (existsSync(from)) copyFileSync(from, path.join(SNAPSHOT_FUNCTIONS, file));
  }
  symlinkSync(
    path.join(FUNCTIONS_DIR, "node_modules"),
    path.join(SNAPSHOT_FUNCTIONS, "node_modules"),
    "dir",
  );
  // The emulator settings of firebase.json; no deploy hooks, no Firestore rules (not emulated).
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, "firebase.json"), "utf8")) as {
    functions: Array<Record<string, unknown>>;
    emulators: unknown;
  };
  const functions = config.functions.map(({ predeploy: _predeploy, ...rest }) => rest);
  writeFileSync(
    path.join(PROJECT_DIR, "firebase.json"),
    JSON.stringify({ functions, emulators: config.emulators }, null, 2),
  );
  copyFileSync(path.join(REPO_ROOT, ".firebaserc"), path.join(PROJECT_DIR, ".firebaserc"));
  return { projectDir: PROJECT_DIR, functionsLib: path.join(SNAPSHOT_FUNCTIONS, "lib") };
}
