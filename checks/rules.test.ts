import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  type CompositeIndex,
  describeIndex,
  type IndexesFile,
  validateIndexesShape,
} from "./lib/indexes";
import {
  parseRules,
  type RulesFile,
  RulesSyntaxError,
} from "../firestore-standin/src/rules/parser";
import { Ruleset } from "../firestore-standin/src/rules/ruleset";
import {
  collectAllows,
  conditionText,
  findPolicyViolations,
  readAllowsFor,
} from "./lib/rules-policy";

// Static policy checks on firestore.rules, with the parser the Firestore stand-in evaluates
// rules with. The behaviour itself is tested by rules-tests/ against the stand-in.
const ROOT = join(__dirname, "..");
const read = (file: string): string => readFileSync(join(ROOT, file), "utf8");

const wrap = (body: string): string => `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
${body}
  }
}`;

describe("firestore.rules (offline check)", () => {
  let rules: RulesFile;

  before(() => {
    rules = parseRules(read("firestore.rules"));
  });

  it("parses with rules_version 2 and the cloud.firestore service", () => {
    expect(rules.rulesVersion).to.equal("2");
    expect(rules.service).to.equal("cloud.firestore");
    expect(rules.matches.map((m) => m.segments.join("/"))).to.deep.equal([
      "databases/{database}/documents",
    ]);
  });

  it("grants no client create/update/delete/write and no literal true on users, creations, transactions", () => {
    expect(findPolicyViolations(rules)).to.deep.equal([]);
  });

  it("has no allow statement that writes anything anywhere", () => {
    const writes = collectAllows(rules).filter((s) =>
      s.allow.methods.some((m) => ["create", "update", "delete", "write"].includes(m)),
    );
    expect(writes.map((w) => w.path)).to.deep.equal([]);
  });

  it("lets a user get only their own users/{uid} document and never list users", () => {
    const allows = readAllowsFor(rules, "users");
    expect(allows).to.have.length.greaterThan(0);
    for (const { allow } of allows) {
      expect(allow.methods).to.deep.equal(["get"]);
      expect(conditionText(allow)).to.contain("request . auth . uid == uid");
    }
  });

  it("lets only the owner read a creation (others see the public projection)", () => {
    const allows = readAllowsFor(rules, "creations");
    expect(allows.map((s) => conditionText(s.allow))).to.deep.equal(["ownsResource ( )"]);
  });

  it("lets signed-in users read the public feed and nothing else of it", () => {
    const allows = readAllowsFor(rules, "publicCreations");
    expect(allows.map((s) => [s.allow.methods, conditionText(s.allow)])).to.deep.equal([
      [["read"], "signedIn ( )"],
    ]);
  });

  it("gates transactions reads on the userId field of the entry", () => {
    const allows = readAllowsFor(rules, "transactions");
    expect(allows).to.have.length(1);
    expect(conditionText(allows[0].allow)).to.equal("ownsResource ( )");
    const helpers = rules.matches[0].functions.map(
      (f) => `${f.name}: ${f.body.map((t) => t.value).join(" ")}`,
    );
    expect(helpers.join("\n")).to.contain(
      "ownsResource: return signedIn ( ) && resource . data . userId == request . auth . uid",
    );
  });

  describe("the parser rejects malformed rules", () => {
    const bad: Record<string, string> = {
      "missing rules_version": "service cloud.firestore { }",
      "unbalanced braces": wrap("match /users/{uid} { allow get: if true;"),
      "unbalanced parentheses": wrap("match /users/{uid} { allow get: if (request.auth != null; }"),
      "unknown method": wrap("match /users/{uid} { allow fetch: if false; }"),
      "missing semicolon": wrap("match /users/{uid} { allow get: if false }"),
      "unterminated string": wrap("match /users/{uid} { allow get: if uid == 'x; }"),
      "path without segments": wrap("match { allow get: if false; }"),
      "function without return": wrap("function f() { true } match /a/{b} { allow get: if f(); }"),
    };
    for (const [name, source] of Object.entries(bad)) {
      it(name, () => {
        expect(() => parseRules(source)).to.throw(RulesSyntaxError);
      });
    }
  });

  describe("the policy check catches client writes", () => {
    const cases: Record<string, string> = {
      "allow write: if true on creations": "match /creations/{id} { allow write: if true; }",
      "create on users behind auth":
        "match /users/{uid} { allow create: if request.auth.uid == uid; }",
      "delete of own draft creations (the plan's rule)":
        "match /creations/{id} { allow delete: if request.auth.uid == resource.data.userId && resource.data.status == 'draft'; }",
      "unconditional read of transactions": "match /transactions/{id} { allow read; }",
      "read: if true on users": "match /users/{uid} { allow get: if true || false; }",
      "recursive wildcard write": "match /{document=**} { allow update: if request.auth != null; }",
      "wildcard collection write": "match /{collection}/{id} { allow write: if false; }",
      "nested path under transactions":
        "match /transactions/{id} { match /notes/{n} { allow create: if false; } }",
      "helper returning true":
        "function open() { return true; } match /creations/{id} { allow read: if open(); }",
    };
    for (const [name, body] of Object.entries(cases)) {
      it(name, () => {
        expect(findPolicyViolations(parseRules(wrap(body)))).to.not.deep.equal([]);
      });
    }

    it("accepts a deny-only read rule", () => {
      const ok = wrap(
        "match /users/{uid} { allow get: if request.auth != null && request.auth.uid == uid; }",
      );
      expect(findPolicyViolations(parseRules(ok))).to.deep.equal([]);
    });
  });
});

describe("firestore.indexes.json (offline check)", () => {
  const parsed: unknown = JSON.parse(read("firestore.indexes.json"));

  it("is valid JSON in the Firebase indexes format", () => {
    expect(validateIndexesShape(parsed)).to.deep.equal([]);
  });

  const index = (
    collectionGroup: string,
    ...fields: [string, "ASCENDING" | "DESCENDING"][]
  ): string =>
    describeIndex({
      collectionGroup,
      queryScope: "COLLECTION",
      fields: fields.map(([fieldPath, order]) => ({ fieldPath, order })),
    });

  const required: Record<string, string> = {
    "a user's creations newest first": index(
      "creations",
      ["userId", "ASCENDING"],
      ["createdAt", "DESCENDING"],
    ),
    "a user's ledger newest first": index(
      "transactions",
      ["userId", "ASCENDING"],
      ["timestamp", "DESCENDING"],
    ),
    "generateVideo: a user's unfinished jobs": index(
      "creations",
      ["userId", "ASCENDING"],
      ["status", "ASCENDING"],
    ),
    "sweeper: pending (or processing past the hard limit) older than t": index(
      "creations",
      ["status", "ASCENDING"],
      ["createdAt", "ASCENDING"],
    ),
    "sweeper: processing not updated since t": index(
      "creations",
      ["status", "ASCENDING"],
      ["updatedAt", "ASCENDING"],
    ),
  };

  for (const [query, expected] of Object.entries(required)) {
    it(`has the composite index for ${query}`, () => {
      const present = (parsed as IndexesFile).indexes.map((i: CompositeIndex) => describeIndex(i));
      expect(present).to.include(expected);
    });
  }

  it("declares no index twice", () => {
    const present = (parsed as IndexesFile).indexes.map((i: CompositeIndex) => describeIndex(i));
    expect(new Set(present).size).to.equal(present.length);
  });

  it("rejects malformed index files", () => {
    expect(validateIndexesShape([])).to.not.deep.equal([]);
    expect(validateIndexesShape({ indexes: {} })).to.not.deep.equal([]);
    expect(
      validateIndexesShape({
        indexes: [
          { collectionGroup: "creations", queryScope: "COLLECTION", fields: [{ fieldPath: "a" }] },
        ],
      }),
    ).to.not.deep.equal([]);
    expect(
      validateIndexesShape({
        indexes: [
          {
            collectionGroup: "creations",
            queryScope: "SOMEWHERE",
            fields: [
              { fieldPath: "a", order: "ASCENDING" },
              { fieldPath: "b", order: "UP" },
            ],
          },
        ],
      }),
    ).to.have.length(2);
  });
});

describe("rules-tests/ (run against the stand-in in the integration tier)", () => {
  const source = read("rules-tests/firestore.rules.test.ts");

  it("has at least 30 cases", () => {
    const cases = source.match(/^\s*it\(/gm) ?? [];
    expect(cases.length).to.be.at.least(30);
  });

  it("firestore.rules loads in the stand-in's evaluator (no unsupported feature)", () => {
    expect(() => Ruleset.load(read("firestore.rules"))).to.not.throw();
  });
});
