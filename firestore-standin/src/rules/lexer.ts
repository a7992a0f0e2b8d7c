// Tokens of the Firestore security rules language (rules_version 2).

export type TokenKind = "ident" | "string" | "int" | "float" | "punct";

export interface Token {
  kind: TokenKind;
  value: string;
  line: number;
}

export class RulesSyntaxError extends Error {
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = "RulesSyntaxError";
  }
}

const PUNCT = ["$(", "==", "!=", "<=", ">=", "&&", "||", ..."{}()[];,.:=<>!+-*/%?"];
const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
};

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (message: string): never => {
    throw new RulesSyntaxError(message, line);
  };
  while (i < source.length) {
    const c = source.charAt(i);
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (source.startsWith("//", i)) {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) fail("unterminated block comment");
      line += source.slice(i, end).split("\n").length - 1;
      i = end + 2;
    } else if (c === "'" || c === '"' || (c === "r" && /['"]/.test(source.charAt(i + 1)))) {
      const raw = c === "r";
      const quote = raw ? source.charAt(i + 1) : c;
      let j = raw ? i + 2 : i + 1;
      let value = "";
      while (j < source.length && source[j] !== quote) {
        const ch = source.charAt(j);
        if (ch === "\n") fail("unterminated string");
        if (ch === "\\" && !raw) {
          const next = source.charAt(j + 1);
          if (next === "u") {
            value += String.fromCharCode(parseInt(source.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          const escaped = ESCAPES[next];
          if (escaped === undefined) fail(`unsupported escape \\${next}`);
          value += escaped;
          j += 2;
          continue;
        }
        value += ch;
        j++;
      }
      if (j >= source.length) fail("unterminated string");
      tokens.push({ kind: "string", value, line });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_]/.test(source.charAt(j))) j++;
      tokens.push({ kind: "ident", value: source.slice(i, j), line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i)) ?? [c];
      const text = m[0];
      tokens.push({ kind: /[.eE]/.test(text) ? "float" : "int", value: text, line });
      i += text.length;
    } else {
      const p = PUNCT.find((q) => source.startsWith(q, i));
      if (!p) fail(`unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: "punct", value: p as string, line });
      i += (p as string).length;
    }
  }
  return tokens;
}
