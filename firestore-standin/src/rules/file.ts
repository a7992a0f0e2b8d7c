// Rules from a file for every project, reloaded when the file changes (as firebase-tools does
// for the official emulator). A change that does not load is reported and the previous rules
// stay in force.
import { readFileSync, statSync } from "node:fs";

import type { RulesRegistry } from "./registry";

/** Loads the file now (throws if it does not load) and watches it; returns the unwatch. */
export function loadRulesFile(
  registry: RulesRegistry,
  file: string,
  log: (m: string) => void,
  intervalMs = 300,
): () => void {
  let loaded = readFileSync(file, "utf8");
  registry.setDefault(loaded);
  let seen = stamp(file);
  // Polling survives editors that replace the file (fs.watch loses a renamed inode); the
  // baseline is taken now, synchronously, so a change right after the start is not missed.
  const poll = (): void => {
    const now = stamp(file);
    if (now === seen) return;
    seen = now;
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (err) {
      log(`security rules file ${file} unreadable (previous rules stay): ${String(err)}`);
      return;
    }
    if (source === loaded) return;
    loaded = source;
    try {
      registry.setDefault(source);
      log(`security rules reloaded from ${file}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`security rules in ${file} NOT reloaded (previous rules stay): ${message}`);
    }
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** What changes when the file is written: mtime, size or inode (two writes in one tick differ in size or content). */
function stamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}:${st.ino}:${st.ctimeMs}`;
  } catch {
    return "missing";
  }
}
