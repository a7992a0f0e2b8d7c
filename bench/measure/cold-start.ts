// (2) Cold start: a fresh node process loads functions/lib/index.js and serves its first
// generateVideo call in-process, next to the plan's eager layout (every SDK up front).
// Enqueues go to a task recorder so no worker runs meanwhile.
import { setBalance } from "../../test-harness/firestore";
import type { TaskRecorder } from "../../test-harness/task-recorder";
import { runChild } from "../lib/node-child";
import { PREFER_REST_ENV } from "../lib/prefer-rest";
import { functionsLib } from "../lib/paths";
import { spread, type Spread } from "../lib/stats";

export interface ColdStartSample {
  mode: string;
  status?: string;
  loadMs: number;
  firstCallMs: number;
  totalMs: number;
  moduleCount: number;
  packages: string[];
  heavyLoaded: string[];
}

export interface ColdStartResult {
  lazy: { total: Spread; load: Spread; firstCall: Spread; modules: number };
  /** The same with the Admin Firestore client on REST (FIRESTORE_PREFER_REST=true). */
  lazyRest: { total: Spread; load: Spread; firstCall: Spread; modules: number };
  eager: { total: Spread; load: Spread; firstCall: Spread; modules: number };
  /** Callable SDK + Firestore SDK + one read: the part no layout of ours can remove. */
  floor: { total: Spread; load: Spread; firstCall: Spread; modules: number };
  /** Packages on generateVideo's path (entry point + first call), and worker SDKs among them. */
  packages: string[];
  heavyLoaded: string[];
  /** Loading index.js alone, without a call. */
  entryOnly: { modules: number; heavyLoaded: string[] };
}

type Mode = "lazy" | "eager" | "floor" | "census";

export function coldStartChild(mode: Mode, uid: string, env = process.env) {
  return runChild<ColdStartSample>("cold-start", [mode, uid], {
    env: { ...env, BENCH_FUNCTIONS_LIB: functionsLib() },
  });
}

export async function measureColdStart(
  runs: number,
  recorder: TaskRecorder,
  log: (m: string) => void,
): Promise<ColdStartResult> {
  const env = { ...process.env, CLOUD_TASKS_EMULATOR_HOST: recorder.host };
  const samples: Record<"lazy" | "lazyRest" | "eager" | "floor", ColdStartSample[]> = {
    lazy: [],
    lazyRest: [],
    eager: [],
    floor: [],
  };
  const restEnv = { ...env, ...PREFER_REST_ENV };
  for (let run = -1; run < runs; run++) {
    for (const mode of ["lazy", "lazyRest", "eager", "floor"] as const) {
      const uid = `bench-cold-${mode}-${run + 1}-${Date.now()}`;
      await setBalance(uid, 100); // an existing user, as after the sign-up trigger
      const sample =
        mode === "lazyRest"
          ? await coldStartChild("lazy", uid, restEnv)
          : await coldStartChild(mode, uid, env);
      if (sample.status !== "pending") throw new Error(`cold start ${mode}: ${sample.status}`);
      recorder.take();
      if (run < 0) continue; // warms the OS file cache for both
      samples[mode].push(sample);
      log(`cold start run ${run + 1}/${runs} ${mode}: ${sample.totalMs.toFixed(0)} ms`);
    }
  }
  const census = await coldStartChild("census", "none", env);
  const summary = (s: ColdStartSample[]) => ({
    total: spread(s.map((x) => x.totalMs)),
    load: spread(s.map((x) => x.loadMs)),
    firstCall: spread(s.map((x) => x.firstCallMs)),
    modules: s[0].moduleCount,
  });
  return {
    lazy: summary(samples.lazy),
    lazyRest: summary(samples.lazyRest),
    eager: summary(samples.eager),
    floor: summary(samples.floor),
    packages: samples.lazy[0].packages,
    heavyLoaded: samples.lazy[0].heavyLoaded,
    entryOnly: { modules: census.moduleCount, heavyLoaded: census.heavyLoaded },
  };
}
