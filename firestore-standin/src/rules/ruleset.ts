// A loaded rules file: parsed, checked for features the evaluator does not support (refused
// with a message naming them, never allowed by default), and asked for access decisions.
import type { Expr, FunctionDef, MatchBlock, RulesFile } from "./ast";
import { CONVERSIONS, METHOD_NAMES, namespaceHas, NAMESPACE_NAMES } from "./builtins";
import { DOC_FUNCTIONS, holds, TYPE_NAMES, type DocReader, type Env } from "./evaluator";
import { parseRules } from "./parser";
import { path, str, UNKNOWN, type V } from "./values";

export type Operation = "get" | "list" | "create" | "update" | "delete";

/** A path segment of a request: known, one unknown segment, or any number of them. */
export const ANY_ID: unique symbol = Symbol("any document id");
export const ANY_SEGMENTS: unique symbol = Symbol("any path below");
export type Segment = string | typeof ANY_ID | typeof ANY_SEGMENTS;

export interface AccessRequest {
  operation: Operation;
  /** Rules path: ["databases", db, "documents", ...]. */
  path: Segment[];
  /** request.auth: a map {uid, token} or NULL. */
  auth: V;
  /** The stored document (NULL if missing); for a query, what the filters say of every result. */
  resource: V;
  /** The document as it would be after the write (create/update). */
  requestResource?: V;
  /** request.query (list). */
  query?: V;
  time: V;
  docs: DocReader;
  /** 10 for single-document requests and queries, 20 for batches and transactions. */
  readLimit: number;
}

export class UnsupportedRulesError extends Error {
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = "UnsupportedRulesError";
  }
}

const COVERS: Record<string, readonly Operation[]> = {
  read: ["get", "list"],
  write: ["create", "update", "delete"],
  get: ["get"],
  list: ["list"],
  create: ["create"],
  update: ["update"],
  delete: ["delete"],
};

interface Applicable {
  block: MatchBlock;
  functions: Map<string, FunctionDef>;
  bindings: Map<string, V>;
}

export class Ruleset {
  private constructor(readonly file: RulesFile) {}

  /** Parses and checks a rules file; throws RulesSyntaxError or UnsupportedRulesError. */
  static load(source: string): Ruleset {
    const file = parseRules(source);
    checkSupported(file);
    return new Ruleset(file);
  }

  allows(req: AccessRequest): boolean {
    const base = new Map<string, V>();
    const request = new Map<string, V>([
      ["auth", req.auth],
      ["method", str(req.operation)],
      ["path", req.path.every((s) => typeof s === "string") ? path(req.path) : UNKNOWN],
      ["time", req.time],
    ]);
    if (req.requestResource) request.set("resource", req.requestResource);
    if (req.query) request.set("query", req.query);
    base.set("request", { t: "map", v: request });
    base.set("resource", req.resource);
    const reads = new Set<string>();
    for (const hit of this.applicable(req.path)) {
      for (const allow of hit.block.allows) {
        if (!allow.methods.some((m) => COVERS[m]?.includes(req.operation))) continue;
        if (!allow.condition) return true;
        const vars = new Map([...base, ...hit.bindings]);
        const env: Env = {
          vars,
          functions: hit.functions,
          docs: req.docs,
          reads,
          readLimit: req.readLimit,
          depth: 0,
        };
        if (holds(allow.condition, env)) return true;
      }
    }
    return false;
  }

  private applicable(target: Segment[]): Applicable[] {
    const out: Applicable[] = [];
    const visit = (
      block: MatchBlock,
      at: number,
      bindings: Map<string, V>,
      fns: Map<string, FunctionDef>,
    ): void => {
      const functions = new Map(fns);
      for (const f of block.functions) functions.set(f.name, f);
      for (const m of matchSegments(block.segments, target, at, bindings)) {
        if (m.next === target.length) out.push({ block, functions, bindings: m.bindings });
        for (const child of block.children) visit(child, m.next, m.bindings, functions);
      }
    };
    const globals = new Map(this.file.functions.map((f) => [f.name, f]));
    for (const block of this.file.matches) visit(block, 0, new Map(), globals);
    return out;
  }
}

/** Every way the pattern can consume segments of target from `at` on. */
function matchSegments(
  pattern: string[],
  target: Segment[],
  at: number,
  bindings: Map<string, V>,
): Array<{ next: number; bindings: Map<string, V> }> {
  const [head, ...rest] = pattern;
  if (head === undefined) return [{ next: at, bindings }];
  const wildcard = /^\{(\w+)(=\*\*)?\}$/.exec(head);
  if (wildcard?.[2]) {
    // {x=**}: zero or more segments (rules_version 2); the only way to cover ANY_SEGMENTS.
    const results: Array<{ next: number; bindings: Map<string, V> }> = [];
    for (let end = at; end <= target.length; end++) {
      const taken = target.slice(at, end);
      const value = taken.every((s) => typeof s === "string") ? path(taken) : UNKNOWN;
      results.push(...matchSegments(rest, target, end, new Map(bindings).set(wildcard[1], value)));
    }
    return results;
  }
  const seg = target[at];
  if (seg === undefined || seg === ANY_SEGMENTS) return [];
  if (wildcard) {
    const value = seg === ANY_ID ? UNKNOWN : str(seg);
    return matchSegments(rest, target, at + 1, new Map(bindings).set(wildcard[1], value));
  }
  return seg === head ? matchSegments(rest, target, at + 1, bindings) : [];
}

// ---- load-time check: refuse what the evaluator does not implement ----

const GLOBAL_VARS = ["request", "resource"];

function checkSupported(file: RulesFile): void {
  if (file.rulesVersion !== "2") {
    throw new UnsupportedRulesError(
      `rules_version '${file.rulesVersion}' is not supported (only '2')`,
      1,
    );
  }
  if (file.service !== "cloud.firestore") {
    throw new UnsupportedRulesError(
      `service ${file.service} is not supported (only cloud.firestore)`,
      1,
    );
  }
  const walkBlock = (
    block: MatchBlock,
    wildcards: string[],
    fns: Map<string, FunctionDef>,
  ): void => {
    const names = [
      ...wildcards,
      ...block.segments.map((s) => /^\{(\w+)/.exec(s)?.[1]).filter((n): n is string => !!n),
    ];
    const functions = new Map(fns);
    for (const f of block.functions) functions.set(f.name, f);
    for (const f of block.functions) checkFunction(f, names, functions);
    for (const allow of block.allows) {
      if (allow.condition)
        checkExpr(allow.condition, new Set([...GLOBAL_VARS, ...names]), functions);
    }
    for (const child of block.children) walkBlock(child, names, functions);
  };
  const globals = new Map(file.functions.map((f) => [f.name, f]));
  for (const f of file.functions) checkFunction(f, [], globals);
  for (const block of file.matches) walkBlock(block, [], globals);
}

function checkFunction(
  f: FunctionDef,
  wildcards: string[],
  functions: Map<string, FunctionDef>,
): void {
  const scope = new Set([...GLOBAL_VARS, ...wildcards, ...f.params]);
  for (const l of f.lets) {
    checkExpr(l.value, scope, functions);
    scope.add(l.name);
  }
  checkExpr(f.result, scope, functions);
}

function checkExpr(e: Expr, scope: Set<string>, functions: Map<string, FunctionDef>): void {
  const refuse = (message: string): never => {
    throw new UnsupportedRulesError(message, e.line);
  };
  const sub = (x: Expr): void => checkExpr(x, scope, functions);
  switch (e.k) {
    case "lit":
      return;
    case "id":
      if (!scope.has(e.name)) refuse(`unknown variable ${e.name}`);
      return;
    case "member":
      return sub(e.obj);
    case "index":
      sub(e.obj);
      return sub(e.index);
    case "slice":
      sub(e.obj);
      if (e.lo) sub(e.lo);
      if (e.hi) sub(e.hi);
      return;
    case "call": {
      const fn = functions.get(e.name);
      if (fn && fn.params.length !== e.args.length)
        refuse(`${e.name}() takes ${fn.params.length} argument(s)`);
      if (!fn && !DOC_FUNCTIONS.has(e.name) && !CONVERSIONS[e.name])
        refuse(`unsupported function ${e.name}()`);
      e.args.forEach(sub);
      return;
    }
    case "method":
      if (e.obj.k === "id" && !scope.has(e.obj.name)) {
        if (!NAMESPACE_NAMES.has(e.obj.name) || !namespaceHas(e.obj.name, e.name)) {
          refuse(`unsupported function ${e.obj.name}.${e.name}()`);
        }
      } else {
        if (!METHOD_NAMES.has(e.name)) refuse(`unsupported method .${e.name}()`);
        sub(e.obj);
      }
      e.args.forEach(sub);
      return;
    case "unary":
      return sub(e.e);
    case "binary":
      sub(e.l);
      return sub(e.r);
    case "is":
      if (!TYPE_NAMES.has(e.type)) refuse(`unsupported type ${e.type} after is`);
      return sub(e.e);
    case "ternary":
      sub(e.cond);
      sub(e.then);
      return sub(e.else);
    case "list":
      return e.items.forEach(sub);
    case "map":
      for (const [k, v] of e.entries) {
        sub(k);
        sub(v);
      }
      return;
    case "path":
      for (const p of e.parts) if (typeof p !== "string") sub(p);
      return;
  }
}
