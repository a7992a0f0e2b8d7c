// Runtime values of the rules language, their equality and ordering, and conversion from
// Firestore document fields. `unknown` stands for "any value" when a query is checked.

export type V =
  | { t: "null" }
  | { t: "bool"; v: boolean }
  | { t: "int"; v: number }
  | { t: "float"; v: number }
  | { t: "string"; v: string }
  | { t: "bytes"; v: Uint8Array }
  | { t: "timestamp"; s: number; n: number }
  | { t: "duration"; s: number; n: number }
  | { t: "latlng"; lat: number; lng: number }
  | { t: "path"; segs: string[] }
  | { t: "list"; v: V[] }
  | { t: "set"; v: V[] }
  | { t: "map"; v: Map<string, V> }
  | { t: "mapdiff"; a: Map<string, V>; b: Map<string, V> }
  /** A map whose other keys are unknown (resource.data of a query: only equality filters known). */
  | { t: "partial"; v: Map<string, V> }
  | { t: "unknown" };

/** A failed evaluation: the statement is not satisfied (never an allow). */
export class RuleError extends Error {}

export const NULL: V = { t: "null" };
export const UNKNOWN: V = { t: "unknown" };
export const bool = (v: boolean): V => ({ t: "bool", v });
export const int = (v: number): V => {
  if (!Number.isSafeInteger(v)) throw new RuleError("integer overflow");
  return { t: "int", v };
};
export const float = (v: number): V => ({ t: "float", v });
export const str = (v: string): V => ({ t: "string", v });
export const list = (v: V[]): V => ({ t: "list", v });
export const map = (entries: Record<string, V>): V => ({
  t: "map",
  v: new Map(Object.entries(entries)),
});
export const path = (segs: string[]): V => ({ t: "path", segs });

const NS = 1e9;
export const timestampFromMillis = (ms: number): V => {
  const s = Math.floor(ms / 1000);
  return { t: "timestamp", s, n: Math.round((ms - s * 1000) * 1e6) };
};
export const totalNanos = (x: { s: number; n: number }): number => x.s * NS + x.n;
export const fromNanos = (t: "timestamp" | "duration", nanos: number): V => {
  const s = Math.floor(nanos / NS);
  return { t, s, n: nanos - s * NS };
};

export function isNumber(x: V): x is { t: "int" | "float"; v: number } {
  return x.t === "int" || x.t === "float";
}

export function toSet(items: V[]): V {
  const out: V[] = [];
  for (const i of items) if (!out.some((o) => equals(o, i))) out.push(i);
  return { t: "set", v: out };
}

export function equals(a: V, b: V): boolean {
  if (isNumber(a) && isNumber(b)) return a.v === b.v;
  if (a.t !== b.t) return false;
  switch (a.t) {
    case "null":
      return true;
    case "bool":
    case "string":
      return a.v === (b as typeof a).v;
    case "timestamp":
    case "duration": {
      const o = b as typeof a;
      return a.s === o.s && a.n === o.n;
    }
    case "latlng": {
      const o = b as typeof a;
      return a.lat === o.lat && a.lng === o.lng;
    }
    case "bytes": {
      const o = b as typeof a;
      return Buffer.from(a.v).equals(Buffer.from(o.v));
    }
    case "path": {
      const o = b as typeof a;
      return a.segs.length === o.segs.length && a.segs.every((s, i) => s === o.segs[i]);
    }
    case "list": {
      const o = b as typeof a;
      return a.v.length === o.v.length && a.v.every((x, i) => equals(x, o.v[i]));
    }
    case "set": {
      const o = b as typeof a;
      return a.v.length === o.v.length && a.v.every((x) => o.v.some((y) => equals(x, y)));
    }
    case "map": {
      const o = b as typeof a;
      if (a.v.size !== o.v.size) return false;
      for (const [k, x] of a.v) {
        const y = o.v.get(k);
        if (y === undefined || !equals(x, y)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** <0, 0, >0; throws for values without an order (maps, sets, mixed types). */
export function compare(a: V, b: V): number {
  if (isNumber(a) && isNumber(b)) return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.t === "string" && b.t === "string") return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if ((a.t === "timestamp" && b.t === "timestamp") || (a.t === "duration" && b.t === "duration")) {
    return Math.sign(totalNanos(a) - totalNanos(b));
  }
  if (a.t === "list" && b.t === "list") {
    for (let i = 0; i < Math.min(a.v.length, b.v.length); i++) {
      const c = compare(a.v[i], b.v[i]);
      if (c !== 0) return c;
    }
    return a.v.length - b.v.length;
  }
  throw new RuleError(`cannot compare ${a.t} with ${b.t}`);
}

// ---- Firestore document fields (v1 Value as a plain object) ----

export interface PlainValue {
  null_value?: unknown;
  boolean_value?: boolean;
  integer_value?: number | string;
  double_value?: number;
  timestamp_value?: { seconds?: number | string; nanos?: number };
  string_value?: string;
  bytes_value?: Uint8Array | string;
  reference_value?: string;
  geo_point_value?: { latitude?: number; longitude?: number };
  array_value?: { values?: PlainValue[] };
  map_value?: { fields?: Record<string, PlainValue> };
}

/** `projects/p/databases/d/documents/a/b` → the rules path `/databases/d/documents/a/b`. */
export const rulesPathOf = (name: string): string[] => name.split("/").slice(2);

export function fromFirestore(v: PlainValue): V {
  if (v.null_value !== undefined) return NULL;
  if (v.boolean_value !== undefined) return bool(v.boolean_value);
  if (v.integer_value !== undefined) return int(Number(v.integer_value));
  if (v.double_value !== undefined) return float(v.double_value);
  if (v.timestamp_value !== undefined) {
    return {
      t: "timestamp",
      s: Number(v.timestamp_value.seconds ?? 0),
      n: v.timestamp_value.nanos ?? 0,
    };
  }
  if (v.string_value !== undefined) return str(v.string_value);
  if (v.bytes_value !== undefined) {
    const b = v.bytes_value;
    return { t: "bytes", v: typeof b === "string" ? Buffer.from(b, "base64") : b };
  }
  if (v.reference_value !== undefined) return path(rulesPathOf(v.reference_value));
  if (v.geo_point_value !== undefined) {
    return {
      t: "latlng",
      lat: v.geo_point_value.latitude ?? 0,
      lng: v.geo_point_value.longitude ?? 0,
    };
  }
  if (v.array_value !== undefined) return list((v.array_value.values ?? []).map(fromFirestore));
  if (v.map_value !== undefined) return fieldsToMap(v.map_value.fields ?? {});
  return NULL;
}

export const fieldsToMap = (fields: Record<string, PlainValue>): V => ({
  t: "map",
  v: new Map(Object.entries(fields).map(([k, f]) => [k, fromFirestore(f)])),
});

/** The `resource` value of a stored document: data, id and __name__. */
export function documentResource(name: string, fields: Record<string, PlainValue>): V {
  const segs = rulesPathOf(name);
  return map({
    data: fieldsToMap(fields),
    id: str(segs[segs.length - 1] ?? ""),
    __name__: path(segs),
  });
}

/** How `string()` and error messages show a value. */
export function show(x: V): string {
  switch (x.t) {
    case "null":
      return "null";
    case "bool":
    case "int":
      return String(x.v);
    case "float":
      return Number.isInteger(x.v) ? x.v.toFixed(1) : String(x.v);
    case "string":
      return x.v;
    case "path":
      return "/" + x.segs.join("/");
    case "list":
    case "set":
      return `[${x.v.map(show).join(", ")}]`;
    case "map":
    case "partial":
      return `{${[...x.v].map(([k, y]) => `${k}: ${show(y)}`).join(", ")}}`;
    case "timestamp":
      return new Date(x.s * 1000 + x.n / 1e6).toISOString();
    default:
      return x.t;
  }
}
