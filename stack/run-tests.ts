// `npm test`: build the functions, run each test tier in its own mocha process with the
// services it needs, tear everything down (also on failure and Ctrl-C), report counts.
// The very last line is always "N passed, N failed[, N skipped]".
import path from "node:path";
import { EMULATOR_LOG, REPO_ROOT, STACK_ENV_KEYS } from "./config";
import { buildFunctions } from "./build";
import { signalCurrentChild } from "./child";
import {
  emulatorLogTail,
  startFirebaseEmulators,
  type RunningFirebaseEmulators,
} from "./firebase-emulators";
import { runMocha, type Counts } from "./mocha-run";
import { startStack, type Stack } from "./stack";
import { TIERS, tierGroups, type StackLevel, type Tier } from "./test-files";
import {
  applyProfile,
  describeProfile,
  localProfile,
  startSweeperClock,
  type Profile,
} from "./profile";

const LOCAL: Profile = localProfile();
const sameProfile = (a: Profile | undefined, b: Profile) =>
  a?.name === b.name && a.timeScale === b.timeScale && a.model === b.model;

interface TierResult {
  name: string;
  note?: string;
  counts?: Counts;
  seconds?: number;
}

const abort = new AbortController();
let interrupted: NodeJS.Signals | undefined;

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (interrupted) {
      // Second signal: give up on a clean stop. The exit hook still kills the emulators.
      process.exit(130);
    }
    interrupted = sig;
    console.error(`\n${sig}: stopping the tests and the local stack…`);
    abort.abort();
    signalCurrentChild(sig);
  });
}

/** Services by level; going from "data" to "full" adds the emulators to what runs. */
class Services {
  private data?: Stack;
  private firebase?: RunningFirebaseEmulators;
  private profile?: Profile;
  private stopSweeper?: () => void;

  async ensure(level: StackLevel, profile: Profile = LOCAL): Promise<Record<string, string>> {
    if (level === "none") return {};
    const log = (m: string) => console.log(`  · ${m}`);
    if (!this.data) {
      this.data = await startStack({ firebase: false, freshData: true, log, signal: abort.signal });
    }
    if (level === "full" && this.firebase && !sameProfile(this.profile, profile)) {
      log(`restarting the Firebase emulators with the ${describeProfile(profile)} profile`);
      await this.stopEmulators();
    }
    if (level === "full" && !this.firebase) {
      applyProfile(profile);
      log(`starting the Firebase emulators (log: ${path.relative(REPO_ROOT, EMULATOR_LOG)})`);
      const started = Date.now();
      this.firebase = await startFirebaseEmulators({ signal: abort.signal });
      this.profile = profile;
      this.stopSweeper = startSweeperClock(profile, log);
      log(`Firebase emulators ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
    return this.data.env;
  }

  private async stopEmulators(): Promise<void> {
    this.stopSweeper?.();
    await this.firebase?.stop();
    this.firebase = this.stopSweeper = this.profile = undefined;
  }

  get hasEmulators(): boolean {
    return !!this.firebase;
  }

  async stop(): Promise<void> {
    await this.stopEmulators();
    await this.data?.stop();
    this.data = undefined;
    applyProfile(null); // leave no prod-scaled settings behind for the next `npm run emulators`
  }
}

function tierEnv(
  tier: Tier,
  stackEnv: Record<string, string>,
  onlyTier: boolean,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...stackEnv };
  // Unit tests must not reach a service by accident, even from a developer's shell.
  if (tier.stack === "none") for (const key of STACK_ENV_KEYS) delete env[key];
  if (tier.name === "reliability" || tier.name === "prod-scaled") {
    env.RELIABILITY_PROFILE ??= onlyTier ? "full" : "short";
  }
  if (tier.profile) {
    env.PHOENIX_PROFILE = tier.profile.name;
    env.TIME_SCALE = String(tier.profile.timeScale);
    if (tier.profile.model) env.VEO_MODEL_FAST = tier.profile.model;
  }
  return env;
}

async function runTier(tier: Tier, services: Services, onlyTier: boolean): Promise<TierResult> {
  const groups = tierGroups(tier);
  if (!groups.length) {
    console.log(`\n■ ${tier.name}: no tests yet`);
    return { name: tier.name, note: "no tests yet" };
  }
  const fileCount = groups.reduce((n, g) => n + g.files.length, 0);
  console.log(`\n■ ${tier.name}: ${fileCount} file(s)`);
  const started = Date.now();
  let stackEnv: Record<string, string>;
  try {
    stackEnv = await services.ensure(tier.stack, tier.profile);
  } catch (err) {
    if (interrupted) return { name: tier.name, note: "interrupted" };
    console.error(`✖ local stack failed to start for ${tier.name}:\n${(err as Error).message}`);
    return {
      name: tier.name,
      note: "stack failed to start",
      counts: { passed: 0, failed: 1, pending: 0 },
    };
  }
  const counts: Counts = { passed: 0, failed: 0, pending: 0 };
  for (const group of groups) {
    if (interrupted) break;
    const c = await runMocha(group, tierEnv(tier, stackEnv, onlyTier));
    counts.passed += c.passed;
    counts.failed += c.failed;
    counts.pending += c.pending;
  }
  if (counts.failed && tier.stack === "full" && services.hasEmulators) {
    console.log(
      `\n── last lines of ${path.relative(REPO_ROOT, EMULATOR_LOG)} ──\n${emulatorLogTail(80)}\n──`,
    );
  }
  return { name: tier.name, counts, seconds: (Date.now() - started) / 1000 };
}

function parseTier(argv: string[]): Tier | undefined {
  const i = argv.indexOf("--tier");
  if (i === -1) return undefined;
  const tier = TIERS.find((t) => t.name === argv[i + 1]);
  if (!tier) {
    console.error(`usage: run-tests [--tier ${TIERS.map((t) => t.name).join("|")}]`);
    process.exit(2);
  }
  return tier;
}

function report(results: TierResult[], started: number): Counts {
  const total: Counts = { passed: 0, failed: 0, pending: 0 };
  console.log(`\nTest tiers (${((Date.now() - started) / 1000).toFixed(1)}s in all):`);
  for (const r of results) {
    const c = r.counts;
    if (c) {
      total.passed += c.passed;
      total.failed += c.failed;
      total.pending += c.pending;
    }
    const line = c ? `${c.passed} passed, ${c.failed} failed, ${c.pending} pending` : "";
    const time = r.seconds !== undefined ? `  ${r.seconds.toFixed(1)}s` : "";
    const mark = !c ? "-" : c.failed ? "✖" : "✔";
    console.log(
      `  ${mark} ${r.name.padEnd(12)} ${[line, r.note].filter(Boolean).join(" — ")}${time}`,
    );
  }
  return total;
}

async function main(): Promise<number> {
  // One lock limit for the stand-in and the conformance suite that checks it: short enough that
  // the lock-limit case takes seconds, long enough for any of our own transactions on a busy machine.
  process.env.FIRESTORE_LOCK_TIMEOUT_MS ??= "5000";
  const started = Date.now();
  const only = parseTier(process.argv.slice(2));
  const tiers = only ? [only] : TIERS;
  const results: TierResult[] = [];
  const services = new Services();
  try {
    if (!(await buildFunctions())) {
      results.push({
        name: "build",
        note: "functions build failed",
        counts: { passed: 0, failed: 1, pending: 0 },
      });
    } else {
      for (const tier of tiers) {
        if (interrupted) break;
        results.push(await runTier(tier, services, !!only));
      }
    }
  } finally {
    await services.stop().catch((err: unknown) => console.error(`teardown: ${String(err)}`));
  }
  if (interrupted) results.push({ name: "interrupted", note: `stopped by ${interrupted}` });
  const total = report(results, started);
  console.log(
    `${total.passed} passed, ${total.failed} failed` +
      (total.pending ? `, ${total.pending} skipped` : ""),
  );
  if (interrupted) return 130;
  return total.failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
