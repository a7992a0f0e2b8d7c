// Test tiers and the files they hold. No glob dependency: every tier is "*.test.ts under
// these folders", grouped by the .mocharc that applies to each file.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./config";
import { DEFAULT_TIME_SCALE, type Profile } from "./profile";

export type TierName = "unit" | "integration" | "e2e" | "browser" | "reliability" | "prod-scaled";
/** none: no services; data: Firestore + S3; full: plus the Firebase emulators. */
export type StackLevel = "none" | "data" | "full";

export interface Tier {
  name: TierName;
  roots: string[];
  stack: StackLevel;
  /** Settings profile of the emulated functions (default: local). */
  profile?: Profile;
  /** Folders under the roots that belong to another tier. */
  exclude?: string[];
}

export const TIERS: Tier[] = [
  {
    name: "unit",
    roots: [
      "functions/test/unit",
      "checks",
      "client/test",
      "bench/test",
      "web/test",
      "firestore-standin/unit",
    ],
    stack: "none",
  },
  {
    name: "integration",
    roots: ["firestore-standin/test", "rules-tests", "functions/test/integration"],
    stack: "data",
  },
  { name: "e2e", roots: ["functions/test/e2e", "client/e2e"], stack: "full" },
  // Phoenix Studio (web/) in headless Chromium against the whole stack.
  { name: "browser", roots: ["web/e2e"], stack: "full" },
  {
    name: "reliability",
    roots: ["reliability"],
    stack: "full",
    exclude: ["reliability/prod-scaled"],
  },
  // Production settings with every duration divided by TIME_SCALE (stack/profile.ts), for a
  // deployment on Veo 3.0's quota (10 starts/min): the tightest production configuration, where
  // the backlog scenario's 150 jobs are 15 minutes of quota, three times the stale threshold.
  {
    name: "prod-scaled",
    roots: ["reliability/prod-scaled"],
    stack: "full",
    profile: {
      name: "prod-scaled",
      timeScale: DEFAULT_TIME_SCALE,
      model: "veo-3.0-fast-generate-001",
    },
  },
];

export interface MochaGroup {
  /** Folder whose .mocharc applies; mocha runs with it as cwd. */
  cwd: string;
  config?: string;
  files: string[];
}

const MOCHARC = [
  ".mocharc.json",
  ".mocharc.jsonc",
  ".mocharc.js",
  ".mocharc.cjs",
  ".mocharc.yml",
  ".mocharc.yaml",
];

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) out.push(full);
  }
}

function mocharcFor(file: string): { cwd: string; config?: string } {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const found = MOCHARC.find((name) => existsSync(path.join(dir, name)));
    if (found) return { cwd: dir, config: path.join(dir, found) };
    if (dir === REPO_ROOT || dir === path.dirname(dir)) return { cwd: REPO_ROOT };
  }
}

export function tierGroups(tier: Tier): MochaGroup[] {
  const files: string[] = [];
  for (const root of tier.roots) {
    const dir = path.join(REPO_ROOT, root);
    if (existsSync(dir)) walk(dir, files);
  }
  const excluded = (tier.exclude ?? []).map((dir) => path.join(REPO_ROOT, dir) + path.sep);
  for (let i = files.length - 1; i >= 0; i--) {
    if (excluded.some((dir) => files[i].startsWith(dir))) files.splice(i, 1);
  }
  const groups = new Map<string, MochaGroup>();
  for (const file of files.sort()) {
    const { cwd, config } = mocharcFor(file);
    const group = groups.get(cwd) ?? { cwd, config, files: [] };
    group.files.push(file);
    groups.set(cwd, group);
  }
  return [...groups.values()];
}
