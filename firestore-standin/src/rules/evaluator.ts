// Evaluates allow conditions. Errors make a condition false (`error || true` is true and
// `error && false` is false, as the language reference says); `unknown` (a query's
// unconstrained field) propagates with three-valued logic, and only a definite `true` allows.
import type { Expr, FunctionDef } from "./ast";
import { callMethod, callNamespace, CONVERSIONS, NAMESPACE_NAMES } from "./builtins";
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
  RuleError,
  str,
  totalNanos,
  UNKNOWN,
  type V,
} from "./values";

/** Document reads of get()/exists() (before the request) and getAfter()/existsAfter() (after it). */
export interface DocReader {
  /** The resource at a rules path (`databases/…/documents/…`), or NULL when missing. */
  get(segs: string[]): V;
  getAfter(segs: string[]): V;
}

export interface Env {
  vars: ReadonlyMap<string, V>;
  functions: ReadonlyMap<string, FunctionDef>;
  docs: DocReader;
  /** Distinct documents read by get()/exists(); Firestore caps them per request. */
  reads: Set<string>;
  readLimit: number;
  depth: number;
}

const fail = (message: string): never => {
  throw new RuleError(message);
};

export const DOC_FUNCTIONS = new Set(["get", "exists", "getAfter", "existsAfter"]);
export const TYPE_NAMES = new Set([
  "bool",
  "bytes",
  "duration",
  "float",
  "int",
  "latlng",
  "list",
  "map",
  "map_diff",
  "number",
  "path",
  "set",
  "string",
  "timestamp",
]);

/** The condition's value, or a RuleError. */
export function evaluate(e: Expr, env: Env): V {
  switch (e.k) {
    case "lit": {
      const v = e.value;
      if (v === null) return NULL;
      if (typeof v === "boolean") return bool(v);
      if (typeof v === "string") return str(v);
      return "int" in v ? int(v.int) : float(v.float);
    }
    case "id": {
      const v = env.vars.get(e.name);
      return v ?? fail(`unknown variable ${e.name}`);
    }
    case "member":
      return member(evaluate(e.obj, env), e.name);
    case "index":
      return index(evaluate(e.obj, env), evaluate(e.index, env));
    case "slice":
      return slice(evaluate(e.obj, env), e.lo && evaluate(e.lo, env), e.hi && evaluate(e.hi, env));
    case "call":
      return call(e.name, e.args, env);
    case "method": {
      if (e.obj.k === "id" && NAMESPACE_NAMES.has(e.obj.name) && !env.vars.has(e.obj.name)) {
        return callNamespace(
          e.obj.name,
          e.name,
          e.args.map((a) => evaluate(a, env)),
        );
      }
      return callMethod(
        evaluate(e.obj, env),
        e.name,
        e.args.map((a) => evaluate(a, env)),
      );
    }
    case "unary": {
      const x = evaluate(e.e, env);
      if (x.t === "unknown") return UNKNOWN;
      if (e.op === "!") return x.t === "bool" ? bool(!x.v) : fail("! needs a bool");
      if (x.t === "int") return int(-x.v);
      return x.t === "float" ? float(-x.v) : fail("- needs a number");
    }
    case "binary":
      if (e.op === "&&" || e.op === "||") return logical(e.op, e.l, e.r, env);
      return binary(e.op, evaluate(e.l, env), evaluate(e.r, env));
    case "is": {
      const x = evaluate(e.e, env);
      return x.t === "unknown" ? UNKNOWN : bool(isType(x, e.type));
    }
    case "ternary": {
      const c = evaluate(e.cond, env);
      if (c.t === "unknown") {
        const a = evaluate(e.then, env);
        const b = evaluate(e.else, env);
        return a.t !== "unknown" && b.t !== "unknown" && equals(a, b) ? a : UNKNOWN;
      }
      if (c.t !== "bool") return fail("a condition must be a bool");
      return evaluate(c.v ? e.then : e.else, env);
    }
    case "list":
      return list(e.items.map((i) => evaluate(i, env)));
    case "map": {
      const out = new Map<string, V>();
      for (const [k, v] of e.entries) {
        const key = evaluate(k, env);
        if (key.t === "unknown") return UNKNOWN;
        if (key.t !== "string") return fail("map keys must be strings");
        out.set(key.v, evaluate(v, env));
      }
      return { t: "map", v: out };
    }
    case "path": {
      const segs: string[] = [];
      for (const part of e.parts) {
        if (typeof part === "string") {
          segs.push(part);
          continue;
        }
        const v = evaluate(part, env);
        if (v.t === "unknown") return UNKNOWN;
        if (v.t === "path") segs.push(...v.segs);
        else if (v.t === "string" || v.t === "int") segs.push(String(v.v));
        else return fail(`cannot put a ${v.t} in a path`);
      }
      return { t: "path", segs };
    }
  }
}

function logical(op: "&&" | "||", l: Expr, r: Expr, env: Env): V {
  const decisive = op === "||";
  const decides = (x: V | RuleError): boolean =>
    !(x instanceof RuleError) && x.t === "bool" && x.v === decisive;
  const left = operand(op, l, env);
  if (decides(left)) return left as V;
  const right = operand(op, r, env);
  if (decides(right)) return right as V;
  if (left instanceof RuleError) throw left;
  if (right instanceof RuleError) throw right;
  return left.t === "unknown" || right.t === "unknown" ? UNKNOWN : bool(!decisive);
}

/** An operand of && or ||: a bool, unknown, or the error it raised (decided later). */
function operand(op: string, e: Expr, env: Env): V | RuleError {
  try {
    const v = evaluate(e, env);
    return v.t === "bool" || v.t === "unknown" ? v : new RuleError(`${op} needs bools`);
  } catch (err) {
    if (err instanceof RuleError) return err;
    throw err;
  }
}

function member(obj: V, name: string): V {
  if (obj.t === "unknown") return UNKNOWN;
  if (obj.t === "partial") return obj.v.get(name) ?? UNKNOWN;
  if (obj.t === "map") return obj.v.get(name) ?? fail(`property ${name} is undefined on the map`);
  return fail(`${obj.t === "null" ? "null value" : obj.t} has no property ${name}`);
}

function index(obj: V, i: V): V {
  if (obj.t === "unknown" || i.t === "unknown") return UNKNOWN;
  if (obj.t === "map" || obj.t === "partial") {
    if (i.t !== "string") return fail("map index must be a string");
    return member(obj, i.v);
  }
  const items =
    obj.t === "list"
      ? obj.v
      : obj.t === "path"
        ? obj.segs.map(str)
        : obj.t === "string"
          ? [...obj.v].map(str)
          : fail(`cannot index a ${obj.t}`);
  if (i.t !== "int") return fail("index must be an int");
  return items[i.v] ?? fail(`index ${i.v} out of range`);
}

function slice(obj: V, lo: V | null, hi: V | null): V {
  if (obj.t === "unknown" || lo?.t === "unknown" || hi?.t === "unknown") return UNKNOWN;
  const bound = (b: V | null, dflt: number): number =>
    b === null ? dflt : b.t === "int" ? b.v : fail("range bounds must be ints");
  if (obj.t === "list") return list(obj.v.slice(bound(lo, 0), bound(hi, obj.v.length)));
  if (obj.t === "string") return str(obj.v.slice(bound(lo, 0), bound(hi, obj.v.length)));
  return fail(`cannot take a range of a ${obj.t}`);
}

function isType(x: V, type: string): boolean {
  switch (type) {
    case "number":
      return isNumber(x);
    case "map":
      return x.t === "map" || x.t === "partial";
    case "map_diff":
      return x.t === "mapdiff";
    case "bool":
    case "bytes":
    case "duration":
    case "float":
    case "int":
    case "latlng":
    case "list":
    case "path":
    case "set":
    case "string":
    case "timestamp":
      return x.t === type;
    default:
      return fail(`unknown type ${type}`);
  }
}

function binary(op: string, a: V, b: V): V {
  if (a.t === "unknown" || b.t === "unknown") return UNKNOWN;
  switch (op) {
    case "==":
    case "!=": {
      if (a.t === "partial" || b.t === "partial") return UNKNOWN;
      const same = equals(a, b);
      return bool(op === "==" ? same : !same);
    }
    case "<":
      return bool(compare(a, b) < 0);
    case "<=":
      return bool(compare(a, b) <= 0);
    case ">":
      return bool(compare(a, b) > 0);
    case ">=":
      return bool(compare(a, b) >= 0);
    case "in":
      if (b.t === "list" || b.t === "set") return bool(b.v.some((x) => equals(x, a)));
      if (b.t === "map" || b.t === "partial") {
        if (a.t !== "string") return fail("map keys are strings");
        if (b.v.has(a.v)) return bool(true);
        return b.t === "partial" ? UNKNOWN : bool(false);
      }
      return fail(`in needs a list, set or map, not ${b.t}`);
    case "+":
      return plus(a, b);
    case "-":
      return minus(a, b);
    case "*":
    case "/":
    case "%":
      return arithmetic(op, a, b);
  }
  return fail(`unsupported operator ${op}`);
}

function plus(a: V, b: V): V {
  if (isNumber(a) && isNumber(b))
    return a.t === "int" && b.t === "int" ? int(a.v + b.v) : float(a.v + b.v);
  if (a.t === "string" && b.t === "string") return str(a.v + b.v);
  if (a.t === "list" && b.t === "list") return list([...a.v, ...b.v]);
  if (a.t === "timestamp" && b.t === "duration")
    return fromNanos("timestamp", totalNanos(a) + totalNanos(b));
  if (a.t === "duration" && b.t === "timestamp")
    return fromNanos("timestamp", totalNanos(a) + totalNanos(b));
  if (a.t === "duration" && b.t === "duration")
    return fromNanos("duration", totalNanos(a) + totalNanos(b));
  return fail(`cannot add ${a.t} and ${b.t}`);
}

function minus(a: V, b: V): V {
  if (isNumber(a) && isNumber(b))
    return a.t === "int" && b.t === "int" ? int(a.v - b.v) : float(a.v - b.v);
  if (a.t === "timestamp" && b.t === "timestamp")
    return fromNanos("duration", totalNanos(a) - totalNanos(b));
  if (a.t === "timestamp" && b.t === "duration")
    return fromNanos("timestamp", totalNanos(a) - totalNanos(b));
  if (a.t === "duration" && b.t === "duration")
    return fromNanos("duration", totalNanos(a) - totalNanos(b));
  return fail(`cannot subtract ${b.t} from ${a.t}`);
}

function arithmetic(op: string, a: V, b: V): V {
  if (!isNumber(a) || !isNumber(b)) return fail(`${op} needs numbers, not ${a.t} and ${b.t}`);
  const ints = a.t === "int" && b.t === "int";
  if (op === "*") return ints ? int(a.v * b.v) : float(a.v * b.v);
  if (ints && b.v === 0) return fail("division by zero");
  if (op === "/") return ints ? int(Math.trunc(a.v / b.v)) : float(a.v / b.v);
  return ints ? int(a.v % b.v) : float(a.v % b.v);
}

const MAX_DEPTH = 20;

function call(name: string, argExprs: Expr[], env: Env): V {
  const fn = env.functions.get(name);
  if (fn) {
    if (env.depth >= MAX_DEPTH) return fail("function calls nest too deeply");
    const vars = new Map(env.vars);
    fn.params.forEach((p, i) => vars.set(p, evaluate(argExprs[i], env)));
    const inner: Env = { ...env, vars, depth: env.depth + 1 };
    for (const l of fn.lets) vars.set(l.name, evaluate(l.value, inner));
    return evaluate(fn.result, inner);
  }
  const args = argExprs.map((a) => evaluate(a, env));
  if (DOC_FUNCTIONS.has(name)) return readDocument(name, args, env);
  const conversion = CONVERSIONS[name];
  if (conversion) {
    if (args.some((a) => a.t === "unknown")) return UNKNOWN;
    if (args.length !== 1) return fail(`${name}() takes one argument`);
    return conversion(args);
  }
  return fail(`unknown function ${name}()`);
}

function readDocument(name: string, args: V[], env: Env): V {
  const p = args[0];
  if (args.length !== 1 || !p) return fail(`${name}() takes one path`);
  if (p.t === "unknown") return UNKNOWN;
  if (p.t !== "path") return fail(`${name}() needs a path`);
  const key = p.segs.join("/");
  if (!env.reads.has(key)) {
    if (env.reads.size >= env.readLimit) return fail(`more than ${env.readLimit} document reads`);
    env.reads.add(key);
  }
  const after = name.endsWith("After");
  const doc = after ? env.docs.getAfter(p.segs) : env.docs.get(p.segs);
  if (name.startsWith("exists")) return bool(doc.t !== "null");
  return doc;
}

/** Only a definite true allows. */
export function holds(e: Expr, env: Env): boolean {
  try {
    const v = evaluate(e, env);
    return v.t === "bool" && v.v;
  } catch (err) {
    if (err instanceof RuleError) return false;
    throw err;
  }
}
