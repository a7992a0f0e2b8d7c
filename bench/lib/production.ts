// Production settings are the params' declared defaults (functions/src/config/params.ts);
// the local stack divides their durations by TIME_SCALE (functions/.env.demo-phoenix).
import * as params from "../../functions/src/config/params";

type Param = { name: string; options?: { default?: unknown } };

export function productionDefault(param: unknown): number {
  const value = (param as Param).options?.default;
  if (typeof value !== "number") throw new Error(`${(param as Param).name} has no numeric default`);
  return value;
}

export const PRODUCTION = {
  pollIntervalSeconds: productionDefault(params.pollIntervalSeconds),
  leaseSeconds: productionDefault(params.leaseSeconds),
  maxAttempts: productionDefault(params.taskMaxAttempts),
  mediaUrlTtlSeconds: productionDefault(params.mediaUrlTtlSeconds),
  startMaxConcurrent: productionDefault(params.startMaxConcurrent),
} as const;

/** The start and poll queues' rate limits, as functions/src/index.ts binds them. */
export const QUEUE_RATES = {
  /** The start queue without the quota's throttle (the local model has none): its burst rate. */
  startUnthrottledPerSecond: 50,
  poll: { maxConcurrentDispatches: 100, maxDispatchesPerSecond: 50 },
} as const;

/** A local override next to its production value, e.g. for the README. */
export function localOverrides(): Array<{ name: string; local: string; production: string }> {
  const out: Array<{ name: string; local: string; production: string }> = [];
  for (const param of Object.values(params) as Param[]) {
    const local = process.env[param.name];
    const production = param.options?.default;
    if (typeof production !== "number" && typeof production !== "string") continue;
    if (local !== undefined && String(production) !== local)
      out.push({ name: param.name, local, production: String(production) });
  }
  return out;
}
