// The methods and functions of the rules language reference: strings, lists, maps, sets,
// map diffs, timestamps, durations, lat/lng, bytes, and the math/timestamp/duration/latlng
// namespaces. Every name here is what the loader accepts; anything else is refused.
import {
  bool,
  compare,
  equals,
  float,
  fromNanos,
  int,
  isNumber,
  list,
  NULL,
  path,
  RuleError,
  show,
  str,
  timestampFromMillis,
  toSet,
  totalNanos,
  UNKNOWN,
  type V,
} from "./values";

type Fn = (self: V, args: V[]) => V;

const fail = (message: string): never => {
  throw new RuleError(message);
};
const arity = (args: V[], n: number, name: string): void => {
  if (args.length !== n) fail(`${name}() takes ${n} argument(s)`);
};
const asString = (x: V | undefined, what: string): string =>
  x && x.t === "string" ? x.v : fail(`${what} must be a string`);
const asInt = (x: V | undefined, what: string): number =>
  x && x.t === "int" ? x.v : fail(`${what} must be an int`);
const asNumber = (x: V | undefined, what: string): number =>
  x && isNumber(x) ? x.v : fail(`${what} must be a number`);
const items = (x: V | undefined, what: string): V[] =>
  x && (x.t === "list" || x.t === "set") ? x.v : fail(`${what} must be a list or set`);
const has = (xs: V[], y: V): boolean => xs.some((x) => equals(x, y));

/** Re2-like full match; JavaScript's engine is close enough for the patterns rules use. */
function fullMatch(re: string, s: string): boolean {
  try {
    return new RegExp(`^(?:${re})$`, "u").test(s);
  } catch {
    return fail(`invalid regular expression ${re}`);
  }
}

const STRING: Record<string, Fn> = {
  size: (s) => int([...(s as { v: string }).v].length),
  lower: (s) => str((s as { v: string }).v.toLowerCase()),
  upper: (s) => str((s as { v: string }).v.toUpperCase()),
  trim: (s) => str((s as { v: string }).v.trim()),
  matches: (s, a) => (
    arity(a, 1, "matches"),
    bool(fullMatch(asString(a[0], "pattern"), (s as { v: string }).v))
  ),
  split: (s, a) => {
    arity(a, 1, "split");
    return list(
      (s as { v: string }).v.split(new RegExp(asString(a[0], "separator"), "u")).map(str),
    );
  },
  replace: (s, a) => {
    arity(a, 2, "replace");
    const re = new RegExp(asString(a[0], "pattern"), "gu");
    return str(
      (s as { v: string }).v.replace(re, asString(a[1], "replacement").replace(/\$/g, "$$$$")),
    );
  },
  toUtf8: (s) => ({ t: "bytes", v: Buffer.from((s as { v: string }).v, "utf8") }),
};

const COLLECTION: Record<string, Fn> = {
  size: (s) => int(items(s, "receiver").length),
  hasAll: (s, a) => (
    arity(a, 1, "hasAll"),
    bool(items(a[0], "argument").every((y) => has(items(s, ""), y)))
  ),
  hasAny: (s, a) => (
    arity(a, 1, "hasAny"),
    bool(items(a[0], "argument").some((y) => has(items(s, ""), y)))
  ),
  hasOnly: (s, a) => (
    arity(a, 1, "hasOnly"),
    bool(items(s, "").every((x) => has(items(a[0], "argument"), x)))
  ),
};

const LIST: Record<string, Fn> = {
  ...COLLECTION,
  join: (s, a) => {
    arity(a, 1, "join");
    const sep = asString(a[0], "separator");
    return str(
      items(s, "")
        .map((x) => asString(x, "joined element"))
        .join(sep),
    );
  },
  concat: (s, a) => (arity(a, 1, "concat"), list([...items(s, ""), ...items(a[0], "argument")])),
  removeAll: (s, a) => {
    arity(a, 1, "removeAll");
    const drop = items(a[0], "argument");
    return list(items(s, "").filter((x) => !has(drop, x)));
  },
  toSet: (s) => toSet(items(s, "")),
};

const SET: Record<string, Fn> = {
  ...COLLECTION,
  union: (s, a) => (arity(a, 1, "union"), toSet([...items(s, ""), ...items(a[0], "argument")])),
  intersection: (s, a) => (
    arity(a, 1, "intersection"),
    toSet(items(s, "").filter((x) => has(items(a[0], "argument"), x)))
  ),
  difference: (s, a) => (
    arity(a, 1, "difference"),
    toSet(items(s, "").filter((x) => !has(items(a[0], "argument"), x)))
  ),
};

const entries = (x: V): Map<string, V> => (x.t === "map" ? x.v : fail("receiver must be a map"));

/** map.get(key, default); a list key walks nested maps. */
function mapGet(m: V, args: V[]): V {
  arity(args, 2, "get");
  const key = args[0];
  const keys = key.t === "list" ? key.v.map((k) => asString(k, "key")) : [asString(key, "key")];
  let cur: V = m;
  for (const k of keys) {
    if (cur.t === "partial") return cur.v.get(k) ?? UNKNOWN;
    if (cur.t !== "map") return args[1];
    const next = cur.v.get(k);
    if (next === undefined) return args[1];
    cur = next;
  }
  return cur;
}

const MAP: Record<string, Fn> = {
  size: (s) => int(entries(s).size),
  keys: (s) => list([...entries(s).keys()].map(str)),
  values: (s) => list([...entries(s).values()]),
  get: mapGet,
  diff: (s, a) => {
    arity(a, 1, "diff");
    const other = a[0];
    if (other.t === "partial") return UNKNOWN;
    return { t: "mapdiff", a: entries(s), b: entries(other) };
  },
};

function diffKeys(d: V, pick: (inA: V | undefined, inB: V | undefined) => boolean): V {
  if (d.t !== "mapdiff") return fail("receiver must be a map diff");
  const keys = new Set([...d.a.keys(), ...d.b.keys()]);
  return toSet([...keys].filter((k) => pick(d.a.get(k), d.b.get(k))).map(str));
}
const changed = (x: V | undefined, y: V | undefined): boolean =>
  x !== undefined && y !== undefined && !equals(x, y);

const MAPDIFF: Record<string, Fn> = {
  // `a.diff(b)`: x is a's value, y is b's; "added" keys are in a (the new data) but not in b.
  addedKeys: (d) => diffKeys(d, (x, y) => x !== undefined && y === undefined),
  removedKeys: (d) => diffKeys(d, (x, y) => x === undefined && y !== undefined),
  changedKeys: (d) => diffKeys(d, changed),
  affectedKeys: (d) => diffKeys(d, (x, y) => x === undefined || y === undefined || changed(x, y)),
  unchangedKeys: (d) => diffKeys(d, (x, y) => x !== undefined && y !== undefined && equals(x, y)),
};

const utc = (t: V): Date => new Date(Math.floor(totalNanos(t as { s: number; n: number }) / 1e6));
const TIMESTAMP: Record<string, Fn> = {
  year: (t) => int(utc(t).getUTCFullYear()),
  month: (t) => int(utc(t).getUTCMonth() + 1),
  day: (t) => int(utc(t).getUTCDate()),
  hours: (t) => int(utc(t).getUTCHours()),
  minutes: (t) => int(utc(t).getUTCMinutes()),
  seconds: (t) => int(utc(t).getUTCSeconds()),
  nanos: (t) => int((t as { n: number }).n),
  dayOfWeek: (t) => int(utc(t).getUTCDay() === 0 ? 7 : utc(t).getUTCDay()),
  dayOfYear: (t) => {
    const d = utc(t);
    return int(
      Math.floor(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
          Date.UTC(d.getUTCFullYear(), 0, 1)) /
          864e5,
      ) + 1,
    );
  },
  date: (t) => {
    const d = utc(t);
    return timestampFromMillis(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  },
  time: (t) => fromNanos("duration", totalNanos(t as { s: number; n: number }) % (86400 * 1e9)),
  toMillis: (t) => int(Math.floor(totalNanos(t as { s: number; n: number }) / 1e6)),
};

const DURATION: Record<string, Fn> = {
  seconds: (d) => int((d as { s: number }).s),
  nanos: (d) => int((d as { n: number }).n),
};

const LATLNG: Record<string, Fn> = {
  latitude: (p) => float((p as { lat: number }).lat),
  longitude: (p) => float((p as { lng: number }).lng),
  distance: (p, a) => {
    arity(a, 1, "distance");
    const q = a[0];
    if (q.t !== "latlng") return fail("distance() needs a latlng");
    const r = Math.PI / 180;
    const { lat, lng } = p as { lat: number; lng: number };
    const h =
      Math.sin(((q.lat - lat) * r) / 2) ** 2 +
      Math.cos(lat * r) * Math.cos(q.lat * r) * Math.sin(((q.lng - lng) * r) / 2) ** 2;
    return float(2 * 6_378_137 * Math.asin(Math.sqrt(h)));
  },
};

const BYTES: Record<string, Fn> = {
  size: (b) => int((b as { v: Uint8Array }).v.length),
  toBase64: (b) => str(Buffer.from((b as { v: Uint8Array }).v).toString("base64")),
  toHexString: (b) =>
    str(
      Buffer.from((b as { v: Uint8Array }).v)
        .toString("hex")
        .toUpperCase(),
    ),
};

const METHODS: Partial<Record<V["t"], Record<string, Fn>>> = {
  string: STRING,
  list: LIST,
  set: SET,
  map: MAP,
  mapdiff: MAPDIFF,
  timestamp: TIMESTAMP,
  duration: DURATION,
  latlng: LATLNG,
  bytes: BYTES,
};

/** Every method name the loader accepts. */
export const METHOD_NAMES: ReadonlySet<string> = new Set(
  Object.values(METHODS).flatMap((m) => Object.keys(m)),
);

export function callMethod(self: V, name: string, args: V[]): V {
  if (self.t === "unknown" || args.some((a) => a.t === "unknown")) return UNKNOWN;
  if (self.t === "partial") return name === "get" ? mapGet(self, args) : UNKNOWN;
  const fn = METHODS[self.t]?.[name];
  if (!fn) return fail(`${self.t} has no method ${name}()`);
  return fn(self, args);
}

// ---- namespaces and conversion functions ----

const UNITS: Record<string, number> = {
  w: 604800e9,
  d: 86400e9,
  h: 3600e9,
  m: 60e9,
  s: 1e9,
  ms: 1e6,
  ns: 1,
};

const NAMESPACES: Record<string, Record<string, (args: V[]) => V>> = {
  math: {
    abs: (a) => {
      const x = a[0];
      return x.t === "int" ? int(Math.abs(x.v)) : float(Math.abs(asNumber(x, "argument")));
    },
    ceil: (a) => int(Math.ceil(asNumber(a[0], "argument"))),
    floor: (a) => int(Math.floor(asNumber(a[0], "argument"))),
    round: (a) => int(Math.round(asNumber(a[0], "argument"))),
    sqrt: (a) => float(Math.sqrt(asNumber(a[0], "argument"))),
    pow: (a) => float(asNumber(a[0], "base") ** asNumber(a[1], "exponent")),
    isInfinite: (a) =>
      bool(
        !Number.isFinite(asNumber(a[0], "argument")) && !Number.isNaN(asNumber(a[0], "argument")),
      ),
    isNaN: (a) => bool(Number.isNaN(asNumber(a[0], "argument"))),
  },
  timestamp: {
    date: (a) =>
      timestampFromMillis(
        Date.UTC(asInt(a[0], "year"), asInt(a[1], "month") - 1, asInt(a[2], "day")),
      ),
    value: (a) => timestampFromMillis(asInt(a[0], "epoch millis")),
  },
  duration: {
    abs: (a) => {
      const d = a[0];
      if (d.t !== "duration") return fail("duration.abs() needs a duration");
      return fromNanos("duration", Math.abs(totalNanos(d)));
    },
    value: (a) => {
      const unit = UNITS[asString(a[1], "unit")];
      if (unit === undefined) return fail("unknown duration unit");
      return fromNanos("duration", asInt(a[0], "magnitude") * unit);
    },
    time: (a) =>
      fromNanos(
        "duration",
        asInt(a[0], "hours") * 3600e9 +
          asInt(a[1], "minutes") * 60e9 +
          asInt(a[2], "seconds") * 1e9 +
          asInt(a[3], "nanos"),
      ),
  },
  latlng: {
    value: (a) => ({
      t: "latlng",
      lat: asNumber(a[0], "latitude"),
      lng: asNumber(a[1], "longitude"),
    }),
  },
};

export const NAMESPACE_NAMES: ReadonlySet<string> = new Set(Object.keys(NAMESPACES));
export const namespaceHas = (ns: string, name: string): boolean => !!NAMESPACES[ns]?.[name];

export function callNamespace(ns: string, name: string, args: V[]): V {
  if (args.some((a) => a.t === "unknown")) return UNKNOWN;
  const fn = NAMESPACES[ns]?.[name];
  if (!fn) return fail(`${ns}.${name}() is not supported`);
  return fn(args);
}

/** int(), float(), string(), path(), debug(): pure global functions. */
export const CONVERSIONS: Record<string, (args: V[]) => V> = {
  int: ([x]) => {
    if (x?.t === "int") return x;
    if (x?.t === "float") return int(Math.trunc(x.v));
    if (x?.t === "string" && /^[+-]?\d+$/.test(x.v)) return int(Number(x.v));
    return fail("int() cannot convert this value");
  },
  float: ([x]) => {
    if (x && isNumber(x)) return float(x.v);
    if (x?.t === "string" && x.v.trim() !== "" && !Number.isNaN(Number(x.v)))
      return float(Number(x.v));
    return fail("float() cannot convert this value");
  },
  string: ([x]) => {
    if (!x || !["null", "bool", "int", "float", "string", "path"].includes(x.t))
      return fail("string() cannot convert this value");
    return str(show(x));
  },
  path: ([x]) =>
    path(
      asString(x, "path")
        .split("/")
        .filter((s) => s !== ""),
    ),
  debug: ([x]) => x ?? NULL,
};

export { compare };
