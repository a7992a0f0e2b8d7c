// Recursive-descent parser for Firestore security rules (rules_version 2): the block structure
// (service, match, allow, function with let bindings) and the full expression grammar.
import {
  KNOWN_METHODS,
  type AllowStatement,
  type Expr,
  type FunctionDef,
  type MatchBlock,
  type Method,
  type RulesFile,
} from "./ast";
import { RulesSyntaxError, tokenize, type Token, type TokenKind } from "./lexer";

export { RulesSyntaxError, tokenize, type Token } from "./lexer";
export * from "./ast";

const RELATIONS = new Set(["==", "!=", "<", "<=", ">", ">=", "in", "is"]);

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  parseFile(): RulesFile {
    this.expectIdent("rules_version");
    this.expectPunct("=");
    const version = this.next();
    if (version.kind !== "string") this.fail("rules_version must be a string", version);
    this.expectPunct(";");
    this.expectIdent("service");
    let service = this.expectKind("ident").value;
    while (this.eatPunct(".")) service += "." + this.expectKind("ident").value;
    this.expectPunct("{");
    const functions: FunctionDef[] = [];
    const matches: MatchBlock[] = [];
    while (!this.atPunct("}")) {
      if (this.atIdent("match")) matches.push(this.parseMatch());
      else if (this.atIdent("function")) functions.push(this.parseFunction());
      else this.fail(`expected match or function, found ${JSON.stringify(this.peek().value)}`);
    }
    this.expectPunct("}");
    if (this.pos < this.tokens.length) this.fail("unexpected content after the service block");
    return { rulesVersion: version.value, service, functions, matches };
  }

  private parseMatch(): MatchBlock {
    const start = this.expectIdent("match");
    const segments = this.parseMatchPath();
    this.expectPunct("{");
    const block: MatchBlock = {
      segments,
      allows: [],
      functions: [],
      children: [],
      line: start.line,
    };
    while (!this.atPunct("}")) {
      if (this.atIdent("match")) block.children.push(this.parseMatch());
      else if (this.atIdent("allow")) block.allows.push(this.parseAllow());
      else if (this.atIdent("function")) block.functions.push(this.parseFunction());
      else
        this.fail(`expected match, allow or function, found ${JSON.stringify(this.peek().value)}`);
    }
    this.expectPunct("}");
    return block;
  }

  /** `/seg/{var}/{rest=**}`: at least one segment, each literal or a wildcard. */
  private parseMatchPath(): string[] {
    const segments: string[] = [];
    while (this.eatPunct("/")) {
      if (this.eatPunct("{")) {
        let seg = "{" + this.expectKind("ident").value;
        if (this.eatPunct("=")) {
          this.expectPunct("*");
          if (!this.atPunct("*"))
            this.fail("single-segment {x=*} wildcards are rules_version 1; use {x}");
          this.expectPunct("*");
          seg += "=**";
        }
        this.expectPunct("}");
        segments.push(seg + "}");
      } else {
        segments.push(this.segmentText());
      }
    }
    if (segments.length === 0) this.fail("match needs a path");
    return segments;
  }

  /** A literal path segment: identifiers and numbers (and `-` in match paths) glued together. */
  private segmentText(dash = true): string {
    let text = "";
    for (;;) {
      const t = this.tokens[this.pos];
      const glue =
        t &&
        (t.kind === "ident" || t.kind === "int" || (dash && t.kind === "punct" && t.value === "-"));
      if (!t || !glue) break;
      text += t.value;
      this.pos++;
    }
    if (!text) this.fail(`expected a path segment, found ${JSON.stringify(this.peek().value)}`);
    return text;
  }

  private parseAllow(): AllowStatement {
    const start = this.expectIdent("allow");
    const methods: Method[] = [this.parseMethod()];
    while (this.eatPunct(",")) methods.push(this.parseMethod());
    let condition: Expr | null = null;
    let conditionTokens: Token[] | null = null;
    if (this.eatPunct(":")) {
      this.expectIdent("if");
      const from = this.pos;
      if (this.atPunct(";")) this.fail("empty condition", start);
      condition = this.parseExpr();
      conditionTokens = this.tokens.slice(from, this.pos);
    }
    if (!this.atPunct(";")) {
      const t = this.tokens[this.pos];
      if (t && t.kind === "punct" && t.value === "}") this.fail("missing ; before }", t);
    }
    this.expectPunct(";");
    return { methods, condition, conditionTokens, line: start.line };
  }

  private parseMethod(): Method {
    const t = this.expectKind("ident");
    const method = KNOWN_METHODS.find((m) => m === t.value);
    if (!method) this.fail(`unknown method ${JSON.stringify(t.value)}`, t);
    return method;
  }

  private parseFunction(): FunctionDef {
    const start = this.expectIdent("function");
    const name = this.expectKind("ident").value;
    this.expectPunct("(");
    const params: string[] = [];
    while (!this.atPunct(")")) {
      params.push(this.expectKind("ident").value);
      if (!this.atPunct(")")) this.expectPunct(",");
    }
    this.expectPunct(")");
    this.expectPunct("{");
    const from = this.pos;
    const lets: FunctionDef["lets"] = [];
    while (this.atIdent("let")) {
      this.pos++;
      const letName = this.expectKind("ident").value;
      this.expectPunct("=");
      lets.push({ name: letName, value: this.parseExpr() });
      this.expectPunct(";");
    }
    if (!this.atIdent("return")) this.fail(`function ${name} has no return`, start);
    this.pos++;
    const result = this.parseExpr();
    this.eatPunct(";");
    const body = this.tokens.slice(from, this.pos);
    this.expectPunct("}");
    return { name, params, lets, result, body, line: start.line };
  }

  // ---- expressions, lowest precedence first ----

  parseExpr(): Expr {
    const cond = this.parseBinary(0);
    if (!this.atPunct("?")) return cond;
    const line = this.next().line;
    const then = this.parseExpr();
    this.expectPunct(":");
    return { k: "ternary", cond, then, else: this.parseExpr(), line };
  }

  private static readonly LEVELS: Array<(t: Token) => boolean> = [
    (t) => t.kind === "punct" && t.value === "||",
    (t) => t.kind === "punct" && t.value === "&&",
    (t) => (t.kind === "punct" || t.kind === "ident") && RELATIONS.has(t.value),
    (t) => t.kind === "punct" && (t.value === "+" || t.value === "-"),
    (t) => t.kind === "punct" && (t.value === "*" || t.value === "/" || t.value === "%"),
  ];

  private parseBinary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.parseUnary();
    const isOp = Parser.LEVELS[level];
    let left = this.parseBinary(level + 1);
    for (;;) {
      const t = this.tokens[this.pos];
      if (!t || !isOp(t)) return left;
      this.pos++;
      if (t.value === "is") {
        left = { k: "is", e: left, type: this.expectKind("ident").value, line: t.line };
      } else {
        left = { k: "binary", op: t.value, l: left, r: this.parseBinary(level + 1), line: t.line };
      }
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === "punct" && (t.value === "!" || t.value === "-")) {
      this.pos++;
      return { k: "unary", op: t.value, e: this.parseUnary(), line: t.line };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(start: Expr): Expr {
    let e = start;
    for (;;) {
      const t = this.tokens[this.pos];
      if (!t || t.kind !== "punct") return e;
      if (t.value === ".") {
        this.pos++;
        const name = this.expectKind("ident").value;
        e = this.atPunct("(")
          ? { k: "method", obj: e, name, args: this.parseArgs(), line: t.line }
          : { k: "member", obj: e, name, line: t.line };
      } else if (t.value === "[") {
        this.pos++;
        const lo = this.atPunct(":") ? null : this.parseExpr();
        if (this.eatPunct(":")) {
          const hi = this.atPunct("]") ? null : this.parseExpr();
          e = { k: "slice", obj: e, lo, hi, line: t.line };
        } else {
          e = { k: "index", obj: e, index: lo as Expr, line: t.line };
        }
        this.expectPunct("]");
      } else {
        return e;
      }
    }
  }

  private parseArgs(): Expr[] {
    this.expectPunct("(");
    const args: Expr[] = [];
    while (!this.atPunct(")")) {
      args.push(this.parseExpr());
      if (!this.atPunct(")")) this.expectPunct(",");
    }
    this.expectPunct(")");
    return args;
  }

  private parsePrimary(): Expr {
    const t = this.next();
    const line = t.line;
    switch (t.kind) {
      case "string":
        return { k: "lit", value: t.value, line };
      case "int":
        return { k: "lit", value: { int: Number(t.value) }, line };
      case "float":
        return { k: "lit", value: { float: Number(t.value) }, line };
      case "ident":
        if (t.value === "true" || t.value === "false")
          return { k: "lit", value: t.value === "true", line };
        if (t.value === "null") return { k: "lit", value: null, line };
        if (this.atPunct("(")) return { k: "call", name: t.value, args: this.parseArgs(), line };
        return { k: "id", name: t.value, line };
      case "punct":
        break;
    }
    if (t.value === "(") {
      const e = this.parseExpr();
      this.expectPunct(")");
      return e;
    }
    if (t.value === "[") {
      const items: Expr[] = [];
      while (!this.atPunct("]")) {
        items.push(this.parseExpr());
        if (!this.atPunct("]")) this.expectPunct(",");
      }
      this.expectPunct("]");
      return { k: "list", items, line };
    }
    if (t.value === "{") {
      const entries: Array<[Expr, Expr]> = [];
      while (!this.atPunct("}")) {
        const key = this.parseExpr();
        this.expectPunct(":");
        entries.push([key, this.parseExpr()]);
        if (!this.atPunct("}")) this.expectPunct(",");
      }
      this.expectPunct("}");
      return { k: "map", entries, line };
    }
    if (t.value === "/") {
      this.pos--;
      return this.parsePathLiteral();
    }
    return this.fail(`unexpected ${JSON.stringify(t.value)} in an expression`, t);
  }

  /** `/a/$(expr)/b`; a segment is literal text or an interpolation. */
  private parsePathLiteral(): Expr {
    const line = this.peek().line;
    const parts: Array<string | Expr> = [];
    while (this.atPunct("/") && this.segmentFollows()) {
      this.pos++;
      if (this.eatPunct("$(")) {
        parts.push(this.parseExpr());
        this.expectPunct(")");
      } else {
        parts.push(this.segmentText(false));
      }
    }
    if (parts.length === 0) this.fail("a path needs a segment");
    return { k: "path", parts, line };
  }

  private segmentFollows(): boolean {
    const t = this.tokens[this.pos + 1];
    return (
      !!t && (t.kind === "ident" || t.kind === "int" || (t.kind === "punct" && t.value === "$("))
    );
  }

  // ---- token helpers ----

  private peek(): Token {
    const t = this.tokens[this.pos];
    if (!t) {
      const last = this.tokens[this.tokens.length - 1];
      throw new RulesSyntaxError("unexpected end of file", last ? last.line : 1);
    }
    return t;
  }

  private next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }

  private atPunct(value: string): boolean {
    const t = this.tokens[this.pos];
    return t !== undefined && t.kind === "punct" && t.value === value;
  }

  private eatPunct(value: string): boolean {
    if (!this.atPunct(value)) return false;
    this.pos++;
    return true;
  }

  private atIdent(value: string): boolean {
    const t = this.tokens[this.pos];
    return t !== undefined && t.kind === "ident" && t.value === value;
  }

  private expectPunct(value: string): Token {
    const t = this.next();
    if (t.kind !== "punct" || t.value !== value)
      this.fail(`expected ${value}, found ${JSON.stringify(t.value)}`, t);
    return t;
  }

  private expectIdent(value: string): Token {
    const t = this.next();
    if (t.kind !== "ident" || t.value !== value)
      this.fail(`expected ${value}, found ${JSON.stringify(t.value)}`, t);
    return t;
  }

  private expectKind(kind: TokenKind): Token {
    const t = this.next();
    if (t.kind !== kind) this.fail(`expected ${kind}, found ${JSON.stringify(t.value)}`, t);
    return t;
  }

  private fail(message: string, at?: Token): never {
    const t = at ?? this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1];
    throw new RulesSyntaxError(message, t ? t.line : 1);
  }
}

/** Parses a rules file; throws RulesSyntaxError with a line number on bad structure. */
export function parseRules(source: string): RulesFile {
  return new Parser(tokenize(source)).parseFile();
}
