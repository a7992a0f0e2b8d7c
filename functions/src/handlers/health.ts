/**
 * `healthCheck`: a liveness probe for uptime checks and the latency baseline of the callables.
 * No auth and no imports: it shows what the callable path costs before any handler work.
 */
export interface HealthCheckResult {
  ok: true;
  /** Server time (ISO 8601), so a caller can spot a cached or replayed answer. */
  time: string;
}

export function healthCheck(): HealthCheckResult {
  return { ok: true, time: new Date().toISOString() };
}
