// (1) Submission latency: generateVideo through the Functions emulator next to the no-op
// healthCheck on the same stack, with distinct users at each concurrency. The start queue
// is held meanwhile, so workers do not compete with the submissions for this machine's CPU
// (in production they run on other instances).
import { newRequestId } from "../../client/callables";
import { readFileSync } from "node:fs";
import { callFunction } from "../../test-harness/callable";
import type { TestUser } from "../../test-harness/emulators";
import { EMULATOR_LOG } from "../lib/emulators";
import { errorRate, runClients, type LoadResult } from "../lib/load";
import { percentile, spread, type Spread } from "../lib/stats";
import { setQueueLimits, signedUpUsers, type QueueLimits } from "../lib/stack";

/** A user may have this many unfinished jobs (MAX_ACTIVE_CREATIONS). */
const CALLS_PER_USER = 3;
const INPUT = { prompt: "bench submission [[slow:0]]", duration: 4 }; // 5 tokens
// Each submission carries a fresh requestId, as the client module sends one on every call.

export interface Percentiles {
  p50: Spread;
  p95: Spread;
  p99: Spread;
}
/** Server-side parts of generateVideo's time, from its `submission` log events (pooled runs). */
export interface SubmissionPhases {
  samples: number;
  /** The admission transaction, with the backlog count beside its reads. */
  storeMs: { p50: number; p99: number };
  /** The enqueue of the first worker step. */
  enqueueMs: { p50: number; p99: number };
}

export interface LatencyLevel {
  concurrency: number;
  samplesPerRun: number;
  generateVideo: Percentiles;
  healthCheck: Percentiles;
  /** The floor's enqueue alone: a callable that only enqueues one task (wiringCheck). */
  enqueueOnly?: Percentiles;
  phases?: SubmissionPhases;
  /** Failed or timed-out calls over all calls of the measured runs (latencies leave them out). */
  errorRate: { generateVideo: number; healthCheck: number };
}

/** Calls per run: enough samples for a p99 at low concurrency, 3 per client at 64. */
const callsPerClient = (concurrency: number) =>
  Math.max(CALLS_PER_USER, Math.ceil(45 / concurrency));

class UserPool {
  private index = 0;
  constructor(private readonly users: TestUser[]) {}
  take(): TestUser {
    const user = this.users[this.index++];
    if (!user) throw new Error("user pool exhausted");
    return user;
  }
}

type Client = { user?: TestUser };
const load = (concurrency: number, calls: number, call: (c: Client, i: number) => Promise<void>) =>
  runClients<Client>(concurrency, calls, () => ({}), call);

function callers(users: TestUser[], record: (creationId: string) => void) {
  const pool = new UserPool(users);
  let any = 0;
  const generate = async (client: { user?: TestUser }, i: number) => {
    if (i % CALLS_PER_USER === 0) client.user = pool.take();
    const { result } = await callFunction<{ creationId: string }>(
      "generateVideo",
      { ...INPUT, requestId: newRequestId() },
      client.user!.idToken,
    );
    record(result.creationId);
  };
  // The same kind of token a signed-in app sends: only the handler differs.
  const signedIn = (name: string, data: () => unknown) => async (client: Client, i: number) => {
    if (i % CALLS_PER_USER === 0) client.user = users[any++ % users.length];
    await callFunction(name, data(), client.user!.idToken);
  };
  const health = signedIn("healthCheck", () => null);
  // One Cloud Tasks enqueue and nothing else (an emulator-only function).
  const enqueueOnly = signedIn("wiringCheck", () => ({ token: newRequestId().replace(/-/g, "") }));
  return { generate, health, enqueueOnly };
}

/** The `submission` log events of the given creations: store and enqueue time, server-side. */
function phasesOf(creationIds: Set<string>): SubmissionPhases {
  const store: number[] = [];
  const enqueue: number[] = [];
  for (const line of readFileSync(EMULATOR_LOG, "utf8").split("\n")) {
    if (!line.includes('"event":"submission"')) continue;
    const event = JSON.parse(line.slice(line.indexOf("{"))) as {
      creationId?: string;
      storeMs?: number;
      enqueueMs?: number;
    };
    if (!event.creationId || !creationIds.has(event.creationId)) continue;
    if (event.storeMs === undefined || event.enqueueMs === undefined) continue;
    store.push(event.storeMs);
    enqueue.push(event.enqueueMs);
  }
  return {
    samples: store.length,
    storeMs: { p50: percentile(store, 50), p99: percentile(store, 99) },
    enqueueMs: { p50: percentile(enqueue, 50), p99: percentile(enqueue, 99) },
  };
}

export async function measureSubmission(
  levels: number[],
  runs: number,
  startQueue: QueueLimits,
  log: (m: string) => void,
): Promise<LatencyLevel[]> {
  const gensPerRound = (c: number) => c * Math.ceil(callsPerClient(c) / CALLS_PER_USER);
  // One warm-up round per level (the emulator spawns a worker process per concurrent call).
  const needed = levels.reduce((n, c) => n + gensPerRound(c) * (runs + 1), 0);
  log(`submission: signing up ${needed} users`);
  // Creation ids of each level's measured calls, to find their server-side phases in the log.
  const created = new Map(levels.map((c) => [c, new Set<string>()]));
  let recording: Set<string> | undefined;
  const users = await signedUpUsers(needed, log);
  const { generate, health, enqueueOnly } = callers(users, (id) => recording?.add(id));

  await setQueueLimits("startGeneration", { ...startQueue, maxConcurrentDispatches: 0 });
  type Samples = { gen: LoadResult[]; health: LoadResult[]; enqueue: LoadResult[] };
  const samples = new Map<number, Samples>();
  try {
    for (let run = -1; run < runs; run++) {
      for (const c of levels) {
        const calls = callsPerClient(c);
        // Interleaved, so all three see the same background load of this noisy machine.
        const h = await load(c, calls, health);
        const e = await load(c, calls, enqueueOnly);
        recording = run < 0 ? undefined : created.get(c);
        const g = await load(c, calls, generate);
        recording = undefined;
        if (run < 0) continue;
        const s = samples.get(c) ?? { gen: [], health: [], enqueue: [] };
        s.gen.push(g);
        s.health.push(h);
        s.enqueue.push(e);
        samples.set(c, s);
        const p99 = (r: LoadResult) =>
          `p99 ${percentile(r.latencies, 99).toFixed(0)} ms (${r.errors}/${r.calls} failed)`;
        const failure = g.firstError ?? h.firstError ?? e.firstError;
        log(
          `submission run ${run + 1}/${runs} c=${c}: generateVideo ${p99(g)}, healthCheck ${p99(h)}` +
            `, enqueue-only ${p99(e)}` +
            (failure ? `; first failure: ${failure}` : ""),
        );
      }
    }
  } finally {
    await setQueueLimits("startGeneration", startQueue); // drops the held tasks
  }
  const pct = (runsOf: LoadResult[]): Percentiles => ({
    p50: spread(runsOf.map((r) => percentile(r.latencies, 50))),
    p95: spread(runsOf.map((r) => percentile(r.latencies, 95))),
    p99: spread(runsOf.map((r) => percentile(r.latencies, 99))),
  });
  return levels.map((c) => {
    const s = samples.get(c)!;
    return {
      concurrency: c,
      samplesPerRun: s.gen[0].calls,
      generateVideo: pct(s.gen),
      healthCheck: pct(s.health),
      enqueueOnly: pct(s.enqueue),
      phases: phasesOf(created.get(c)!),
      errorRate: { generateVideo: errorRate(s.gen), healthCheck: errorRate(s.health) },
    };
  });
}
