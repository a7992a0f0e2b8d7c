// (1) Submission latency: generateVideo through the Functions emulator next to the no-op
// healthCheck on the same stack, with distinct users at each concurrency. The start queue
// is held meanwhile, so workers do not compete with the submissions for this machine's CPU
// (in production they run on other instances).
import { newRequestId } from "../../client/callables";
import { callFunction } from "../../test-harness/callable";
import type { TestUser } from "../../test-harness/emulators";
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
export interface LatencyLevel {
  concurrency: number;
  samplesPerRun: number;
  generateVideo: Percentiles;
  healthCheck: Percentiles;
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

function callers(users: TestUser[]) {
  const pool = new UserPool(users);
  let any = 0;
  const generate = async (client: { user?: TestUser }, i: number) => {
    if (i % CALLS_PER_USER === 0) client.user = pool.take();
    await callFunction(
      "generateVideo",
      { ...INPUT, requestId: newRequestId() },
      client.user!.idToken,
    );
  };
  // The same kind of token a signed-in app sends: only the handler differs.
  const health = async (client: { user?: TestUser }, i: number) => {
    if (i % CALLS_PER_USER === 0) client.user = users[any++ % users.length];
    await callFunction("healthCheck", null, client.user!.idToken);
  };
  return { generate, health };
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
  const { generate: gen, health } = callers(await signedUpUsers(needed));

  await setQueueLimits("startGeneration", { ...startQueue, maxConcurrentDispatches: 0 });
  const samples = new Map<number, { gen: LoadResult[]; health: LoadResult[] }>();
  try {
    for (let run = -1; run < runs; run++) {
      for (const c of levels) {
        const calls = callsPerClient(c);
        // Interleaved, so both see the same background load of this noisy machine.
        const h = await load(c, calls, health);
        const g = await load(c, calls, gen);
        if (run < 0) continue;
        const s = samples.get(c) ?? { gen: [], health: [] };
        s.gen.push(g);
        s.health.push(h);
        samples.set(c, s);
        log(
          `submission run ${run + 1}/${runs} c=${c}: generateVideo p99 ${percentile(g.latencies, 99).toFixed(0)} ms` +
            ` (${g.errors}/${g.calls} failed), healthCheck p99 ${percentile(h.latencies, 99).toFixed(0)} ms` +
            ` (${h.errors}/${h.calls} failed)` +
            ((g.firstError ?? h.firstError)
              ? `; first failure: ${g.firstError ?? h.firstError}`
              : ""),
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
      errorRate: { generateVideo: errorRate(s.gen), healthCheck: errorRate(s.health) },
    };
  });
}
