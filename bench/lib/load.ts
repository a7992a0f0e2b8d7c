// Closed-loop load: `concurrency` clients, each making `calls` calls one after another. A call
// that fails or times out is counted, not thrown: under load some do, and the figure reports
// them as an error rate next to the latency of the calls that succeeded.

export interface LoadResult {
  /** Latencies of the successful calls, ms. */
  latencies: number[];
  calls: number;
  errors: number;
  /** The first failure's message, for the log. */
  firstError?: string;
}

export async function runClients<Client>(
  concurrency: number,
  calls: number,
  newClient: () => Client,
  call: (client: Client, i: number) => Promise<unknown>,
): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], calls: 0, errors: 0 };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = newClient();
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        result.calls++;
        try {
          await call(client, i);
          result.latencies.push(performance.now() - started);
        } catch (err) {
          result.errors++;
          result.firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        }
      }
    }),
  );
  return result;
}

/** Errors over calls, summed over runs; NaN when nothing was called. */
export function errorRate(results: readonly LoadResult[]): number {
  const calls = results.reduce((n, r) => n + r.calls, 0);
  return calls ? results.reduce((n, r) => n + r.errors, 0) / calls : Number.NaN;
}
