// JSON (token claims) as rules values: numbers without a fraction are ints, as in Firestore.
import { bool, float, int, list, NULL, str, type V } from "./values";

export function fromJson(x: unknown): V {
  if (x === null || x === undefined) return NULL;
  if (typeof x === "boolean") return bool(x);
  if (typeof x === "number") return Number.isSafeInteger(x) ? int(x) : float(x);
  if (typeof x === "string") return str(x);
  if (Array.isArray(x)) return list(x.map(fromJson));
  return {
    t: "map",
    v: new Map(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)])),
  };
}
