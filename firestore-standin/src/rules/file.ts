// Rules from a file for every project, reloaded when the file changes (as firebase-tools does
// for the official emulator). A change that does not load is reported and the previous rules
// stay in force.
import { readFileSync, unwatchFile, watchFile } from "node:fs";

import type { RulesRegistry } from "./registry";

/** Loads the file now (throws if it does not load) and watches it; returns the unwatch. */
export function loadRulesFile(
  registry: RulesRegistry,
  file: string,
  log: (m: string) => void,
): () => void {
  registry.setDefault(readFileSync(file, "utf8"));
  // Polling survives editors that replace the file (fs.watch loses a renamed inode).
  const onChange = (cur: { mtimeMs: number }, prev: { mtimeMs: number }): void => {
    if (cur.mtimeMs === prev.mtimeMs) return;
    try {
      registry.setDefault(readFileSync(file, "utf8"));
      log(`security rules reloaded from ${file}`);
    } catch (err) {
      log(
        `security rules in ${file} NOT reloaded (previous rules stay): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  watchFile(file, { interval: 300 }, onChange);
  return () => unwatchFile(file, onChange);
}
