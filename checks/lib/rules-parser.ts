/**
 * A small structural parser for Firestore security rules (rules_version 2).
 * It does not evaluate expressions; it validates the block structure and
 * extracts every `allow` statement with its enclosing match path, which is
 * what the offline policy check needs when the real emulator is unavailable.
 */

export type TokenKind = "ident" | "string" | "number" | "punct";

export interface Token {
  kind: TokenKind;
  value: string;
  line: number;
}

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

export interface AllowStatement {
  methods: Method[];
  /** Condition tokens after `if`; null when the statement has no condition (always allowed). */
  condition: Token[] | null;
  line: number;
}

export interface FunctionDef {
  name: string;
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

export class RulesSyntaxError extends Error {
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = "RulesSyntaxError";
  }
}

const TWO_CHAR_PUNCT = new Set(["==", "!=", "<=", ">=", "&&", "||"]);
const ONE_CHAR_PUNCT = new Set([..."{}()[];,.:=<>!+-*/%?"]);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < source.length) {
    const c = source[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (source.startsWith("//", i)) {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) throw new RulesSyntaxError("unterminated block comment", line);
      line += countNewlines(source.slice(i, end));
      i = end + 2;
    } else if (c === "'" || c === '"') {
      const start = line;
      let j = i + 1;
      while (j < source.length && source[j] !== c) {
        if (source[j] === "\n") throw new RulesSyntaxError("unterminated string", start);
        j += source[j] === "\\" ? 2 : 1;
      }
      if (j >= source.length) throw new RulesSyntaxError("unterminated string", start);
      tokens.push({ kind: "string", value: source.slice(i + 1, j), line });
      i = j + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_$]/.test(source[j])) j++;
      tokens.push({ kind: "ident", value: source.slice(i, j), line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < source.length && /[0-9.]/.test(source[j])) j++;
      tokens.push({ kind: "number", value: source.slice(i, j), line });
      i = j;
    } else if (TWO_CHAR_PUNCT.has(source.slice(i, i + 2))) {
      tokens.push({ kind: "punct", value: source.slice(i, i + 2), line });
      i += 2;
    } else if (ONE_CHAR_PUNCT.has(c)) {
      tokens.push({ kind: "punct", value: c, line });
      i++;
    } else {
      throw new RulesSyntaxError(`unexpected character ${JSON.stringify(c)}`, line);
    }
  }
  return tokens;
}

function countNewlines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === "\n") n++;
  return n;
}

const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSERS = new Set(Object.values(OPENERS));

/** Recursive-descent parser over the token list. */
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
    const service = this.parseDottedName();
    this.expectPunct("{");
    const functions: FunctionDef[] = [];
    const matches: MatchBlock[] = [];
    while (!this.atPunct("}")) {
      const t = this.peek();
      if (this.atIdent("match")) matches.push(this.parseMatch());
      else if (this.atIdent("function")) functions.push(this.parseFunction());
      else this.fail(`expected match or function, found ${JSON.stringify(t.value)}`, t);
    }
    this.expectPunct("}");
    if (this.pos < this.tokens.length)
      this.fail("unexpected content after the service block", this.peek());
    return { rulesVersion: version.value, service, functions, matches };
  }

  private parseDottedName(): string {
    let name = this.expectKind("ident").value;
    while (this.atPunct(".")) {
      this.pos++;
      name += "." + this.expectKind("ident").value;
    }
    return name;
  }

  private parseMatch(): MatchBlock {
    const start = this.expectIdent("match");
    const segments = this.parsePath();
    this.expectPunct("{");
    const block: MatchBlock = {
      segments,
      allows: [],
      functions: [],
      children: [],
      line: start.line,
    };
    while (!this.atPunct("}")) {
      const t = this.peek();
      if (this.atIdent("match")) block.children.push(this.parseMatch());
      else if (this.atIdent("allow")) block.allows.push(this.parseAllow());
      else if (this.atIdent("function")) block.functions.push(this.parseFunction());
      else this.fail(`expected match, allow or function, found ${JSON.stringify(t.value)}`, t);
    }
    this.expectPunct("}");
    return block;
  }

  /** `/seg/{var}/{rest=**}`: at least one segment, each literal or a wildcard. */
  private parsePath(): string[] {
    const segments: string[] = [];
    while (this.atPunct("/")) {
      this.pos++;
      if (this.atPunct("{")) {
        this.pos++;
        let seg = "{" + this.expectKind("ident").value;
        if (this.atPunct("=")) {
          this.pos++;
          this.expectPunct("*");
          this.expectPunct("*");
          seg += "=**";
        }
        this.expectPunct("}");
        segments.push(seg + "}");
      } else {
        segments.push(this.expectKind("ident").value);
      }
    }
    if (segments.length === 0) this.fail("match needs a path", this.peek());
    return segments;
  }

  private parseAllow(): AllowStatement {
    const start = this.expectIdent("allow");
    const methods: Method[] = [this.parseMethod()];
    while (this.atPunct(",")) {
      this.pos++;
      methods.push(this.parseMethod());
    }
    let condition: Token[] | null = null;
    if (this.atPunct(":")) {
      this.pos++;
      this.expectIdent("if");
      condition = this.readBalancedUntilSemicolon();
      if (condition.length === 0) this.fail("empty condition", start);
    }
    this.expectPunct(";");
    return { methods, condition, line: start.line };
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
    while (!this.atPunct(")")) {
      this.expectKind("ident");
      if (!this.atPunct(")")) this.expectPunct(",");
    }
    this.expectPunct(")");
    const open = this.expectPunct("{");
    const body = this.readBalanced("}");
    if (!body.some((t) => t.kind === "ident" && t.value === "return")) {
      this.fail(`function ${name} has no return`, open);
    }
    this.expectPunct("}");
    return { name, body, line: start.line };
  }

  /** Tokens up to the next top-level `;`, with brackets balanced. */
  private readBalancedUntilSemicolon(): Token[] {
    const out: Token[] = [];
    const stack: string[] = [];
    while (!(stack.length === 0 && this.atPunct(";"))) {
      const t = this.next();
      if (t.kind === "punct" && t.value === "}" && stack.length === 0) {
        this.fail("missing ; before }", t);
      }
      this.track(stack, t);
      out.push(t);
    }
    return out;
  }

  /** Tokens up to (not including) the closer that ends the current block. */
  private readBalanced(closer: string): Token[] {
    const out: Token[] = [];
    const stack: string[] = [];
    while (!(stack.length === 0 && this.atPunct(closer))) {
      const t = this.next();
      this.track(stack, t);
      out.push(t);
    }
    return out;
  }

  private track(stack: string[], t: Token): void {
    if (t.kind !== "punct") return;
    if (OPENERS[t.value]) stack.push(OPENERS[t.value]);
    else if (CLOSERS.has(t.value)) {
      if (stack.pop() !== t.value) this.fail(`unbalanced ${JSON.stringify(t.value)}`, t);
    }
  }

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

  private fail(message: string, at: Token): never {
    throw new RulesSyntaxError(message, at.line);
  }
}

/** Parses a rules file; throws RulesSyntaxError with a line number on bad structure. */
export function parseRules(source: string): RulesFile {
  return new Parser(tokenize(source)).parseFile();
}
