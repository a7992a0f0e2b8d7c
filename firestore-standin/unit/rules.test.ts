// Unit tests of the stand-in's rules loader, identity and query check (no server).
import { Metadata } from "@grpc/grpc-js";
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { loadRulesFile } from "../src/rules/file";
import { identityOf, InvalidTokenError } from "../src/rules/identity";
import { RulesRegistry } from "../src/rules/registry";
import {
  ANY_ID,
  Ruleset,
  UnsupportedRulesError,
  type AccessRequest,
  type Segment,
} from "../src/rules/ruleset";
import { RulesSyntaxError } from "../src/rules/parser";
import { map, NULL, str, timestampFromMillis, UNKNOWN, type V } from "../src/rules/values";

const wrap = (body: string, version = "2"): string => `rules_version = '${version}';
service cloud.firestore {
  match /databases/{database}/documents {
${body}
  }
}`;

const noDocs = { get: (): V => NULL, getAfter: (): V => NULL };
const alice = map({ uid: str("alice"), token: map({}) });

function request(over: Partial<AccessRequest>): AccessRequest {
  return {
    operation: "get",
    path: ["databases", "(default)", "documents", "c", "d"],
    auth: alice,
    resource: NULL,
    time: timestampFromMillis(Date.now()),
    docs: noDocs,
    readLimit: 10,
    ...over,
  };
}

describe("rules loader: refuses what it does not evaluate", () => {
  const refused: Record<string, [string, string]> = {
    "rules_version 1": [wrap("match /c/{d} { allow read: if true; }", "1"), "rules_version '1'"],
    "another service": [
      "rules_version = '2'; service firebase.storage { match /b/{bucket}/o { allow read: if true; } }",
      "service firebase.storage",
    ],
    "an undefined function": [wrap("match /c/{d} { allow read: if isOwner(); }"), "isOwner()"],
    "the hashing namespace": [
      wrap("match /c/{d} { allow read: if hashing.sha256(d) == d; }"),
      "hashing.sha256()",
    ],
    "an unknown method": [
      wrap("match /c/{d} { allow read: if request.path.bind({}) == 1; }"),
      ".bind()",
    ],
    "an unknown variable": [wrap("match /c/{d} { allow read: if someGlobal == 1; }"), "someGlobal"],
    "an unknown type after is": [
      wrap("match /c/{d} { allow read: if d is constraint; }"),
      "constraint",
    ],
    "a wildcard of another block": [
      wrap("match /c/{d} { allow read: if true; } match /e/{f} { allow read: if d == f; }"),
      "unknown variable d",
    ],
    "a function called with the wrong arity": [
      wrap("function f(a) { return a; } match /c/{d} { allow read: if f(1, 2); }"),
      "f() takes 1",
    ],
  };
  for (const [name, [source, named]] of Object.entries(refused)) {
    it(`${name} (the message names it)`, () => {
      expect(() => Ruleset.load(source))
        .to.throw(UnsupportedRulesError)
        .with.property("message")
        .that.contains(named);
    });
  }

  it("v1 single-segment {x=*} wildcards are a syntax error", () => {
    expect(() => Ruleset.load(wrap("match /c/{d=*} { allow read: if true; }"))).to.throw(
      RulesSyntaxError,
    );
  });

  it("loads the project's firestore.rules", () => {
    const source = readFileSync(path.join(__dirname, "../../firestore.rules"), "utf8");
    expect(() => Ruleset.load(source)).to.not.throw();
  });
});

describe("rules evaluation details", () => {
  it("a condition on an unknown query field is not proven (three-valued logic)", () => {
    const rules = Ruleset.load(
      wrap("match /c/{d} { allow list: if resource.data.owner == request.auth.uid; }"),
    );
    const target: Segment[] = ["databases", "(default)", "documents", "c", ANY_ID];
    const unconstrained = map({
      data: { t: "partial", v: new Map() },
      id: UNKNOWN,
      __name__: UNKNOWN,
    });
    const constrained = map({
      data: { t: "partial", v: new Map([["owner", str("alice")]]) },
      id: UNKNOWN,
      __name__: UNKNOWN,
    });
    expect(
      rules.allows(request({ operation: "list", path: target, resource: unconstrained })),
    ).to.equal(false);
    expect(
      rules.allows(request({ operation: "list", path: target, resource: constrained })),
    ).to.equal(true);
  });

  it("unknown || true is true, unknown && false is false", () => {
    const rules = Ruleset.load(
      wrap(
        "match /c/{d} { allow list: if resource.data.x == 1 || true; allow get: if !(resource.data.x == 1 && false); }",
      ),
    );
    const target: Segment[] = ["databases", "(default)", "documents", "c", ANY_ID];
    const resource = map({ data: { t: "partial", v: new Map() }, id: UNKNOWN, __name__: UNKNOWN });
    expect(rules.allows(request({ operation: "list", path: target, resource }))).to.equal(true);
    expect(rules.allows(request({ operation: "get", resource }))).to.equal(true);
  });

  it("get() is capped at the per-request document limit", () => {
    const reads = Array.from(
      { length: 11 },
      (_, i) => `exists(/databases/$(database)/documents/x/d${i})`,
    );
    const rules = Ruleset.load(
      wrap(`match /c/{d} { allow get: if ${reads.map((r) => `!${r}`).join(" && ")}; }`),
    );
    expect(rules.allows(request({ readLimit: 20 }))).to.equal(true);
    expect(rules.allows(request({ readLimit: 10 }))).to.equal(false);
  });

  it("recursive wildcards bind a path; single wildcards a string", () => {
    const rules = Ruleset.load(
      wrap("match /c/{d}/{rest=**} { allow get: if d == 'd' && rest == /e/f; }"),
    );
    const target = ["databases", "(default)", "documents", "c", "d", "e", "f"];
    expect(rules.allows(request({ path: target }))).to.equal(true);
  });
});

describe("request identity from gRPC metadata", () => {
  const meta = (authorization?: string): Metadata => {
    const m = new Metadata();
    if (authorization) m.set("authorization", authorization);
    return m;
  };
  const unsigned = (claims: object): string =>
    [{ alg: "none", typ: "JWT" }, claims]
      .map((p) => Buffer.from(JSON.stringify(p)).toString("base64url"))
      .join(".") + ".";

  it("Bearer owner is the Admin SDK: rules are bypassed", () => {
    expect(identityOf(meta("Bearer owner"))).to.deep.equal({ kind: "admin" });
  });
  it("no token: request.auth is null", () => {
    expect(identityOf(meta())).to.deep.equal({ kind: "client", auth: NULL });
  });
  it("an unsigned Auth-emulator ID token: uid from sub, every claim in token", () => {
    const id = identityOf(
      meta(`Bearer ${unsigned({ sub: "u1", user_id: "u1", admin: true, email: "a@b.c" })}`),
    );
    expect(id.kind).to.equal("client");
    const auth = (id as { auth: V }).auth as { t: "map"; v: Map<string, V> };
    expect(auth.v.get("uid")).to.deep.equal(str("u1"));
    const token = auth.v.get("token") as { t: "map"; v: Map<string, V> };
    expect(token.v.get("admin")).to.deep.equal({ t: "bool", v: true });
    expect(token.v.get("email")).to.deep.equal(str("a@b.c"));
  });
  it("a token that is not a JWT is refused", () => {
    expect(() => identityOf(meta("Bearer not-a-token"))).to.throw(InvalidTokenError);
  });
});

describe("rules file reload", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "rules-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reloads on change and keeps the previous rules when the new file does not load", async () => {
    const file = path.join(dir, "firestore.rules");
    writeFileSync(file, wrap("match /c/{d} { allow get: if false; }"));
    const registry = new RulesRegistry();
    const messages: string[] = [];
    const unwatch = loadRulesFile(registry, file, (m) => messages.push(m));
    const allowed = (): boolean => registry.forProject("any")?.allows(request({})) ?? true;
    try {
      expect(allowed()).to.equal(false);
      writeFileSync(file, wrap("match /c/{d} { allow get: if true; }"));
      await waitFor(() => allowed(), "the new rules");
      writeFileSync(file, wrap("match /c/{d} { allow get: if nope(); }"));
      await waitFor(() => messages.some((m) => m.includes("NOT reloaded")), "the refusal");
      expect(allowed()).to.equal(true);
    } finally {
      unwatch();
    }
  });

  it("per-project rules replace the file's rules for that project only", () => {
    const registry = new RulesRegistry();
    registry.setDefault(wrap("match /c/{d} { allow get: if false; }"));
    registry.setForProject("p1", wrap("match /c/{d} { allow get: if true; }"));
    expect(registry.forProject("p1")?.allows(request({}))).to.equal(true);
    expect(registry.forProject("p2")?.allows(request({}))).to.equal(false);
    expect(new RulesRegistry().forProject("p")).to.equal(null);
  });
});

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
