// The syntax tree of a rules file. Expressions keep their line for error messages.
import type { Token } from "./lexer";

export const KNOWN_METHODS = [
  "get",
  "list",
  "read",
  "create",
  "update",
  "delete",
  "write",
] as const;
export type Method = (typeof KNOWN_METHODS)[number];

export type Literal = null | boolean | string | { int: number } | { float: number };

export type Expr = { line: number } & (
  | { k: "lit"; value: Literal }
  | { k: "id"; name: string }
  | { k: "member"; obj: Expr; name: string }
  | { k: "index"; obj: Expr; index: Expr }
  | { k: "slice"; obj: Expr; lo: Expr | null; hi: Expr | null }
  | { k: "call"; name: string; args: Expr[] }
  | { k: "method"; obj: Expr; name: string; args: Expr[] }
  | { k: "unary"; op: "!" | "-"; e: Expr }
  | { k: "binary"; op: string; l: Expr; r: Expr }
  | { k: "is"; e: Expr; type: string }
  | { k: "ternary"; cond: Expr; then: Expr; else: Expr }
  | { k: "list"; items: Expr[] }
  | { k: "map"; entries: Array<[Expr, Expr]> }
  /** `/databases/$(database)/documents/users/$(uid)`: literal segments or interpolations. */
  | { k: "path"; parts: Array<string | Expr> }
);

export interface AllowStatement {
  methods: Method[];
  /** Null when the statement has no condition (always allowed). */
  condition: Expr | null;
  /** The condition's tokens, for the offline policy check. */
  conditionTokens: Token[] | null;
  line: number;
}

export interface FunctionDef {
  name: string;
  params: string[];
  lets: Array<{ name: string; value: Expr }>;
  result: Expr;
  /** The body's tokens, for the offline policy check. */
  body: Token[];
  line: number;
}

export interface MatchBlock {
  /** Path segments as written: "databases", "{database}", "{document=**}". */
  segments: string[];
  allows: AllowStatement[];
  functions: FunctionDef[];
  children: MatchBlock[];
  line: number;
}

export interface RulesFile {
  rulesVersion: string;
  service: string;
  functions: FunctionDef[];
  matches: MatchBlock[];
}
