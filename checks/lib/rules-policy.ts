import type {
  AllowStatement,
  FunctionDef,
  MatchBlock,
  Method,
  RulesFile,
  Token,
} from "../../firestore-standin/src/rules/parser";

/** Collections that only the functions (Admin SDK) may write. */
export const SERVER_ONLY_COLLECTIONS = ["users", "creations", "transactions"] as const;

const WRITE_METHODS: ReadonlySet<Method> = new Set<Method>(["create", "update", "delete", "write"]);
const DOCUMENTS_ROOT = ["databases", "{database}", "documents"];

export interface ScopedAllow {
  /** Full path of the enclosing match, e.g. /databases/{database}/documents/users/{uid}. */
  path: string;
  /** Path below /databases/{database}/documents. */
  relative: string[];
  allow: AllowStatement;
}

/** Every allow statement with the full path of the match it sits in. */
export function collectAllows(rules: RulesFile): ScopedAllow[] {
  const out: ScopedAllow[] = [];
  const walk = (block: MatchBlock, prefix: string[]): void => {
    const segments = [...prefix, ...block.segments];
    for (const allow of block.allows) {
      out.push({ path: "/" + segments.join("/"), relative: relativeToDocuments(segments), allow });
    }
    for (const child of block.children) walk(child, segments);
  };
  for (const block of rules.matches) walk(block, []);
  return out;
}

function relativeToDocuments(segments: string[]): string[] {
  const isRoot = DOCUMENTS_ROOT.every((s, i) => segments[i] === s);
  return isRoot ? segments.slice(DOCUMENTS_ROOT.length) : segments;
}

/**
 * Whether an allow at this path can apply to documents of the collection:
 * the collection itself, a wildcard collection segment, or a recursive
 * wildcard ({x=**}) anywhere before it.
 */
export function coversCollection(relative: string[], collection: string): boolean {
  if (relative.length === 0) return false;
  const first = relative[0];
  if (first.endsWith("=**}")) return true;
  return first === collection || (first.startsWith("{") && first.endsWith("}"));
}

const mentionsTrue = (tokens: Token[]): boolean =>
  tokens.some((t) => t.kind === "ident" && t.value === "true");

/** Every function in the file, wherever it is declared. */
export function collectFunctions(rules: RulesFile): FunctionDef[] {
  const out: FunctionDef[] = [...rules.functions];
  const walk = (block: MatchBlock): void => {
    out.push(...block.functions);
    block.children.forEach(walk);
  };
  rules.matches.forEach(walk);
  return out;
}

/** Violations of the "clients never write server-owned collections" policy. */
export function findPolicyViolations(rules: RulesFile): string[] {
  const problems: string[] = [];
  if (rules.rulesVersion !== "2")
    problems.push(`rules_version is '${rules.rulesVersion}', expected '2'`);
  if (rules.service !== "cloud.firestore")
    problems.push(`service is ${rules.service}, expected cloud.firestore`);

  for (const { path, relative, allow } of collectAllows(rules)) {
    for (const collection of SERVER_ONLY_COLLECTIONS) {
      if (!coversCollection(relative, collection)) continue;
      const writes = allow.methods.filter((m) => WRITE_METHODS.has(m));
      if (writes.length > 0) {
        problems.push(`line ${allow.line}: ${path} grants ${writes.join(", ")} on ${collection}`);
      }
      if (allow.condition === null) {
        problems.push(
          `line ${allow.line}: ${path} allows ${allow.methods.join(", ")} on ${collection} unconditionally`,
        );
      } else if (mentionsTrue(allow.conditionTokens ?? [])) {
        problems.push(`line ${allow.line}: ${path} uses a literal true condition on ${collection}`);
      }
    }
  }
  // A helper returning a literal true would bypass the check above.
  for (const fn of collectFunctions(rules)) {
    if (mentionsTrue(fn.body))
      problems.push(`line ${fn.line}: function ${fn.name} uses a literal true`);
  }
  return problems;
}

/** The read allows of one collection, for checks that each reads are auth-gated. */
export function readAllowsFor(rules: RulesFile, collection: string): ScopedAllow[] {
  return collectAllows(rules).filter(
    (s) => s.relative[0] === collection && s.allow.methods.some((m) => !WRITE_METHODS.has(m)),
  );
}

export function conditionText(allow: AllowStatement): string {
  return allow.conditionTokens ? allow.conditionTokens.map((t) => t.value).join(" ") : "";
}
