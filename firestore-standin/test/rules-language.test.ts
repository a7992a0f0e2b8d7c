// Security rules language conformance, through public APIs only (@firebase/rules-unit-testing
// and the web SDK it drives), so it runs against the official emulator as well as the stand-in.
// Each group loads its own rules for a project of its own; the expected outcomes follow the
// rules language reference (firebase.google.com/docs/reference/rules and
// firebase.google.com/docs/firestore/security/*), see firestore-standin/README.md.
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { expect } from "chai";
import firebase from "firebase/compat/app";
import "firebase/compat/firestore";

import { errorCode, loadRules } from "./helpers";

const rulesFile = (body: string): string => `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
${body}
  }
}`;

const environment = (projectId: string, body: string): Promise<RulesTestEnvironment> =>
  initializeTestEnvironment({ projectId, firestore: { rules: rulesFile(body) } });

/** Seeds documents with rules disabled (the "owner" token). */
async function seed(env: RulesTestEnvironment, docs: Record<string, object>): Promise<void> {
  await env.withSecurityRulesDisabled(async (ctx) => {
    const db = ctx.firestore();
    await Promise.all(Object.entries(docs).map(([path, data]) => db.doc(path).set(data)));
  });
}

/** "snapshot" if the listener gets data first, else the error code it ends with. */
function firstListenOutcome(
  listen: (next: () => void, error: (err: Error) => void) => () => void,
): Promise<unknown> {
  return new Promise((resolve) => {
    const stop = listen(
      () => resolve("snapshot"),
      (err) => {
        stop();
        resolve(errorCode(err));
      },
    );
  });
}

// ---- expressions: one collection per case, `allow get: if <expression>` ----

interface ExpressionCase {
  name: string;
  expr: string;
  allowed: boolean;
  /** The reference page whose own example this case reproduces (see the README). */
  ref?: string;
}

const EXPRESSIONS: ExpressionCase[] = [
  // strings
  {
    name: "matches() does a full RE2 match",
    expr: "'user@domain.com'.matches('.*@domain[.]com') && !'banana'.matches('.*@domain[.]com')",
    allowed: true,
    ref: "rules.String",
  },
  {
    name: "matches() must match the whole string",
    expr: "'xuser_42'.matches('user_[0-9]+')",
    allowed: false,
  },
  {
    name: "replace() replaces every match",
    expr: "'banana'.replace('a', 'o') == 'bonono' && 'banana'.replace('ana', 'ee') == 'beena'",
    allowed: true,
    ref: "rules.String",
  },
  {
    name: "split() by a regular expression",
    expr: "'a/b/c'.split('/') == ['a', 'b', 'c']",
    allowed: true,
    ref: "rules.String",
  },
  {
    name: "size(), lower(), upper(), trim()",
    expr: "'abc'.size() == 3 && 'ABC'.lower() == 'abc' && 'abc'.upper() == 'ABC' && '  x '.trim() == 'x'",
    allowed: true,
    ref: "rules.String",
  },
  {
    name: "string index and range",
    expr: "'abcdef'[0] == 'a' && 'abcdef'[0:3] == 'abc'",
    allowed: true,
    ref: "rules.String",
  },
  {
    name: "string() converts bool, int, float and null",
    expr: "string(true) == 'true' && string(1) == '1' && string(2.0) == '2.0' && string(null) == 'null'",
    allowed: true,
    ref: "rules.String",
  },
  {
    name: "+ concatenates strings",
    expr: "'username' + '@domain.com' == 'username@domain.com'",
    allowed: true,
    ref: "rules.String",
  },
  { name: "strings compare lexicographically", expr: "'apple' < 'banana'", allowed: true },
  // numbers
  {
    name: "integer division truncates, % is the remainder",
    expr: "7 / 2 == 3 && 7 % 2 == 1",
    allowed: true,
  },
  { name: "float division", expr: "7.0 / 2 == 3.5", allowed: true },
  { name: "an int equals the same float", expr: "1 == 1.0", allowed: true },
  { name: "division by zero is an error (denied)", expr: "1 / 0 == 0", allowed: false },
  {
    name: "int() and float() convert strings",
    expr: "int('42') == 42 && float('1.5') == 1.5",
    allowed: true,
  },
  {
    name: "math.abs, math.ceil, math.floor",
    expr: "math.abs(-1) == 1 && math.ceil(2.1) == 3 && math.ceil(2.0) == 2 && math.floor(1.9) == 1",
    allowed: true,
    ref: "rules.math",
  },
  {
    name: "math.round, math.pow, math.sqrt",
    expr: "math.round(2.5) == 3 && math.round(2.4) == 2 && math.pow(1.5, 2) == 2.25 && math.sqrt(2.25) == 1.5",
    allowed: true,
    ref: "rules.math",
  },
  { name: "unary minus", expr: "-(3) + 5 == 2", allowed: true },
  // lists
  {
    name: "in tests list membership",
    expr: "'a' in ['a', 'b'] && !('c' in ['a', 'b'])",
    allowed: true,
    ref: "rules.List",
  },
  {
    name: "hasAll, hasAny",
    expr: "[1, 2, 3].hasAll([1, 3]) && [1, 2, 3].hasAny([5, 3]) && [1, 2, 3].size() == 3",
    allowed: true,
  },
  {
    name: "hasOnly ignores repeated elements",
    expr: "['a', 'a', 'b'].hasOnly(['a', 'b', 'b']) && ['a', 'b'].hasOnly(['b', 'a'])",
    allowed: true,
    ref: "rules.List",
  },
  {
    name: "hasOnly fails when an element is not listed",
    expr: "['a', 'b'].hasOnly(['a', 'c'])",
    allowed: false,
    ref: "rules.List",
  },
  { name: "+ concatenates lists", expr: "[1, 2] + [3] == [1, 2, 3]", allowed: true },
  { name: "list index", expr: "[10, 20, 30][1] == 20", allowed: true },
  { name: "an index out of range is an error (denied)", expr: "[10][3] == 10", allowed: false },
  { name: "list range [i:j]", expr: "[1, 2, 3, 4][1:3] == [2, 3]", allowed: true },
  { name: "join()", expr: "['a', 'b'].join('-') == 'a-b'", allowed: true },
  {
    name: "removeAll() and concat()",
    expr: "[1, 2, 3].removeAll([2]).concat([9]) == [1, 3, 9]",
    allowed: true,
  },
  {
    name: "toSet() drops duplicates and order",
    expr: "[1, 2, 2].toSet() == [2, 1].toSet()",
    allowed: true,
  },
  // maps
  {
    name: "map field and index access",
    expr: "{'a': 1}.a == 1 && {'a': 1}['a'] == 1",
    allowed: true,
  },
  { name: "in tests map keys", expr: "'a' in {'a': 1} && !('b' in {'a': 1})", allowed: true },
  {
    name: "keys(), values(), size()",
    expr: "{'a': 1, 'b': 2}.keys().hasAll(['a', 'b']) && {'a': 1}.values() == [1] && {'a': 1, 'b': 2}.size() == 2",
    allowed: true,
  },
  {
    name: "get() with a default and a nested key path",
    expr:
      "{'a': 3, 'b': 2}.get('c', 7) == 7 && {'a': [2, 7], 'b': [9, 12]}.get('b', [1, 1]) == [9, 12]" +
      " && {'a': {'b': 1}, 'c': 2}.get(['a', 'b'], 7) == 1",
    allowed: true,
    ref: "rules.Map",
  },
  { name: "a missing map key is an error (denied)", expr: "{'a': 1}.b == 1", allowed: false },
  { name: "error || true is true", expr: "{'a': 1}.b == 1 || true", allowed: true },
  { name: "false && error is false (denied)", expr: "false && {'a': 1}.b == 1", allowed: false },
  // map diffs and sets
  {
    name: "diff().affectedKeys()",
    expr: "({'a': 0, 'c': 0, 'u': 0}).diff({'r': 0, 'c': 1, 'u': 0}).affectedKeys() == ['a', 'r', 'c'].toSet()",
    allowed: true,
    ref: "rules.MapDiff",
  },
  {
    name: "diff() added, removed, changed and unchanged keys",
    expr:
      "{'a': 1}.diff({}).addedKeys() == ['a'].toSet()" +
      " && {}.diff({'a': 1}).removedKeys() == ['a'].toSet()" +
      " && {'a': 0}.diff({'a': 1, 'b': 4}).changedKeys() == ['a'].toSet()" +
      " && {'a': 0}.diff({'a': 0}).unchangedKeys() == ['a'].toSet()",
    allowed: true,
    ref: "rules.MapDiff",
  },
  {
    name: "diff().affectedKeys().hasOnly() refuses other keys",
    expr: "{'a': 1, 'b': 2}.diff({'a': 5, 'b': 3}).affectedKeys().hasOnly(['a'])",
    allowed: false,
  },
  {
    name: "set union, intersection, difference",
    expr:
      "[1, 2].toSet().union([3].toSet()) == [1, 2, 3].toSet()" +
      " && [1, 2].toSet().intersection([2, 3].toSet()) == [2].toSet()" +
      " && [1, 2].toSet().difference([2].toSet()) == [1].toSet()",
    allowed: true,
  },
  // timestamps and durations
  {
    name: "timestamp.date() and its parts",
    expr:
      "timestamp.date(1984, 1, 2) == timestamp.value(441849600000) && timestamp.date(2025, 3, 9).year() == 2025" +
      " && timestamp.date(2025, 3, 9).month() == 3 && timestamp.date(2025, 3, 9).day() == 9",
    allowed: true,
    ref: "rules.timestamp",
  },
  {
    name: "toMillis()",
    expr: "timestamp.date(2025, 1, 1).toMillis() == 1735689600000",
    allowed: true,
  },
  {
    name: "timestamp + duration",
    expr: "timestamp.date(2025, 1, 1) + duration.value(1, 'd') == timestamp.date(2025, 1, 2)",
    allowed: true,
  },
  {
    name: "timestamp - timestamp is a duration",
    expr: "timestamp.date(2025, 1, 2) - timestamp.date(2025, 1, 1) == duration.value(24, 'h')",
    allowed: true,
  },
  {
    name: "duration.abs(), duration.value() units, duration.time()",
    expr:
      "duration.abs(duration.value(-10, 's')) == duration.value(10, 's') && duration.value(1, 'w') == duration.value(7, 'd')" +
      " && duration.time(1, 30, 0, 0) == duration.value(90, 'm') && duration.value(90, 's').seconds() == 90",
    allowed: true,
    ref: "rules.duration",
  },
  {
    name: "request.time is now (after 2020)",
    expr: "request.time > timestamp.date(2020, 1, 1)",
    allowed: true,
  },
  {
    name: "request.time is not before 2020",
    expr: "request.time < timestamp.date(2020, 1, 1)",
    allowed: false,
  },
  // types, conditionals, the request
  {
    name: "is checks types",
    expr: "'a' is string && 1 is int && 1.5 is float && 1 is number && [1] is list && {'a': 1} is map && true is bool",
    allowed: true,
  },
  { name: "is fails for another type", expr: "'1' is int", allowed: false },
  { name: "the ternary operator", expr: "(1 > 2 ? 'x' : 'y') == 'y'", allowed: true },
  {
    name: "request.method of a document read is get",
    expr: "request.method == 'get'",
    allowed: true,
  },
  { name: "resource is null for a missing document", expr: "resource == null", allowed: true },
];

describe("rules language: expressions", function () {
  this.timeout(120_000);
  let env: RulesTestEnvironment;

  before(async () => {
    const body = EXPRESSIONS.map(
      (c, i) => `    match /e${i}/{id} { allow get: if ${c.expr}; }`,
    ).join("\n");
    env = await environment("demo-rules-expressions", body);
  });
  after(() => env.cleanup());

  EXPRESSIONS.forEach((c, i) => {
    it(`${c.name}: ${c.allowed ? "allowed" : "denied"}`, async () => {
      const read = env.authenticatedContext("alice").firestore().doc(`e${i}/x`).get();
      if (c.allowed) await assertSucceeds(read);
      else await assertFails(read);
    });
  });
});

// ---- request.auth, paths, functions ----

describe("rules language: auth, paths and functions", function () {
  this.timeout(120_000);
  let env: RulesTestEnvironment;

  before(async () => {
    env = await environment(
      "demo-rules-structure",
      `
    function signedIn() { return request.auth != null; }
    function isUser(uid) { return signedIn() && request.auth.uid == uid; }
    function sumIs(a, b, total) {
      let sum = a + b;
      return sum == total;
    }
    match /profiles/{uid} {
      allow get: if isUser(uid);
    }
    match /staff/{id} {
      allow get: if request.auth.token.admin == true;
    }
    match /lets/{id} {
      allow get: if sumIs(2, 3, 5) && id == 'ok';
    }
    match /tree/{path=**} {
      allow get: if signedIn();
    }
    match /outer/{a} {
      match /inner/{b} {
        allow get: if a == 'x' && b == 'y';
      }
    }
    match /named/{id} {
      allow get: if request.path == /databases/$(database)/documents/named/$(id)
        && request.path[4] == 'n1';
    }
    match /open/{id} {
      allow read;
    }`,
    );
  });
  after(() => env.cleanup());

  const get = (uid: string | null, path: string): Promise<unknown> =>
    (uid ? env.authenticatedContext(uid) : env.unauthenticatedContext())
      .firestore()
      .doc(path)
      .get();

  it("request.auth.uid against a wildcard: the user reads their own document", async () => {
    await assertSucceeds(get("alice", "profiles/alice"));
  });
  it("request.auth.uid against a wildcard: not someone else's", async () => {
    await assertFails(get("bob", "profiles/alice"));
  });
  it("request.auth is null when signed out", async () => {
    await assertFails(get(null, "profiles/alice"));
  });
  it("request.auth.token carries custom claims", async () => {
    const admin = env.authenticatedContext("root", { admin: true });
    await assertSucceeds(admin.firestore().doc("staff/1").get());
  });
  it("a missing claim denies", async () => {
    await assertFails(get("alice", "staff/1"));
  });
  it("functions with parameters and let bindings", async () => {
    await assertSucceeds(get("alice", "lets/ok"));
    await assertFails(get("alice", "lets/other"));
  });
  it("a recursive wildcard {path=**} matches documents at any depth", async () => {
    await assertSucceeds(get("alice", "tree/a"));
    await assertSucceeds(get("alice", "tree/a/b/c/d/e"));
  });
  it("nested match blocks see the outer wildcards", async () => {
    await assertSucceeds(get("alice", "outer/x/inner/y"));
    await assertFails(get("alice", "outer/z/inner/y"));
  });
  it("a nested block does not match its parent's documents", async () => {
    await assertFails(get("alice", "outer/x"));
  });
  it("request.path is the document's path (path literal with $(…) and indexing)", async () => {
    await assertSucceeds(get("alice", "named/n1"));
    await assertFails(get("alice", "named/n2"));
  });
  it("an allow without a condition allows", async () => {
    await assertSucceeds(get(null, "open/1"));
  });
  it("a path no match block covers is denied", async () => {
    await assertFails(get("alice", "elsewhere/1"));
  });
});

// ---- writes: request.resource, resource, diff, get/exists/getAfter ----

describe("rules language: writes", function () {
  this.timeout(120_000);
  let env: RulesTestEnvironment;
  const alice = () => env.authenticatedContext("alice").firestore();

  before(async () => {
    env = await environment(
      "demo-rules-writes",
      `
    match /notes/{id} {
      allow create: if request.resource.data.owner == request.auth.uid
        && request.resource.data.keys().hasOnly(['owner', 'title', 'n', 'at']);
      allow update: if resource.data.owner == request.auth.uid
        && request.resource.data.diff(resource.data).affectedKeys().hasOnly(['title', 'n'])
        && (request.resource.data.n == resource.data.n
          || request.resource.data.n == resource.data.n + 1);
      allow delete: if resource.data.owner == request.auth.uid;
      allow read: if resource.data.owner == request.auth.uid;
    }
    match /stamped/{id} {
      allow create: if request.resource.data.at == request.time;
    }
    match /members/{uid} {
      allow read: if false;
    }
    match /rooms/{room} {
      allow get: if get(/databases/$(database)/documents/members/$(request.auth.uid)).data.role == 'admin';
      allow create: if exists(/databases/$(database)/documents/members/$(request.auth.uid));
    }
    match /counters/{id} {
      allow create, update: if request.auth != null;
    }
    match /posts/{id} {
      allow create: if getAfter(/databases/$(database)/documents/counters/posts).data.count == 1
        && existsAfter(/databases/$(database)/documents/counters/posts);
    }
    match /methods/{id} {
      allow write: if request.method == 'create' || request.method == 'delete';
    }`,
    );
  });
  after(() => env.cleanup());
  beforeEach(async () => {
    await env.clearFirestore();
    await seed(env, {
      "notes/a1": { owner: "alice", title: "t", n: 1 },
      "members/alice": { role: "admin" },
      "members/bob": { role: "viewer" },
    });
  });

  it("create: request.resource.data is the new document", async () => {
    await assertSucceeds(alice().doc("notes/new").set({ owner: "alice", title: "x" }));
  });
  it("create: in someone else's name is denied", async () => {
    await assertFails(alice().doc("notes/new").set({ owner: "bob", title: "x" }));
  });
  it("create: keys().hasOnly() refuses extra fields", async () => {
    await assertFails(alice().doc("notes/new").set({ owner: "alice", title: "x", admin: true }));
  });
  it("update: affectedKeys().hasOnly() allows the listed fields", async () => {
    await assertSucceeds(alice().doc("notes/a1").update({ title: "renamed" }));
  });
  it("update: changing another field is denied", async () => {
    await assertFails(alice().doc("notes/a1").update({ owner: "bob" }));
  });
  it("update: request.resource.data compared with resource.data (n + 1)", async () => {
    await assertSucceeds(alice().doc("notes/a1").update({ n: 2 }));
    await assertFails(alice().doc("notes/a1").update({ n: 5 }));
  });
  it("update: request.resource is the merged document (untouched fields still there)", async () => {
    await assertSucceeds(alice().doc("notes/a1").set({ title: "merged" }, { merge: true }));
  });
  it("delete: resource.data is the stored document", async () => {
    await assertSucceeds(alice().doc("notes/a1").delete());
    await assertFails(env.authenticatedContext("bob").firestore().doc("notes/a1").delete());
  });
  it("request.time equals the serverTimestamp() of the write", async () => {
    await assertSucceeds(
      alice().doc("stamped/1").set({ at: firebase.firestore.FieldValue.serverTimestamp() }),
    );
  });
  it("request.time does not equal a client clock value", async () => {
    await assertFails(
      alice()
        .doc("stamped/2")
        .set({ at: new Date(Date.now() - 60_000) }),
    );
  });
  it("get() reads another document (rules are evaluated with it)", async () => {
    await assertSucceeds(alice().doc("rooms/r1").get());
    await assertFails(env.authenticatedContext("bob").firestore().doc("rooms/r1").get());
  });
  it("exists() tests another document", async () => {
    await assertSucceeds(alice().doc("rooms/r2").set({ name: "r2" }));
    await assertFails(
      env.authenticatedContext("carol").firestore().doc("rooms/r3").set({ name: "r3" }),
    );
  });
  it("getAfter()/existsAfter() see the other writes of the same batch", async () => {
    const db = alice();
    const batch = db.batch();
    batch.set(db.doc("counters/posts"), { count: 1 });
    batch.set(db.doc("posts/p1"), { text: "hi" });
    await assertSucceeds(batch.commit());
  });
  it("getAfter(): the same write alone is denied", async () => {
    await assertFails(alice().doc("posts/p2").set({ text: "hi" }));
  });
  it("a denied write in a batch fails the whole batch", async () => {
    const db = alice();
    const batch = db.batch();
    batch.set(db.doc("counters/other"), { count: 1 });
    batch.set(db.doc("notes/x"), { owner: "bob" });
    await assertFails(batch.commit());
    await env.withSecurityRulesDisabled(async (ctx) => {
      const snap = await ctx.firestore().doc("counters/other").get();
      expect(snap.exists).to.equal(false);
    });
  });
  it("write covers create and delete; request.method tells them apart", async () => {
    await assertSucceeds(alice().doc("methods/m").set({ a: 1 }));
    await assertFails(alice().doc("methods/m").set({ a: 2 }));
    await assertSucceeds(alice().doc("methods/m").delete());
  });
});

// ---- queries: rules are not filters ----

describe("rules language: queries and listeners", function () {
  this.timeout(120_000);
  let env: RulesTestEnvironment;
  const as = (uid: string) => env.authenticatedContext(uid).firestore();

  before(async () => {
    env = await environment(
      "demo-rules-queries",
      `
    match /docs/{id} {
      allow get: if resource.data.owner == request.auth.uid;
      allow list: if resource.data.owner == request.auth.uid
        || resource.data.visibility in ['public', 'shared'];
    }
    match /paged/{id} {
      allow list: if request.query.limit <= 10;
    }
    match /{path=**}/comments/{id} {
      allow list: if resource.data.public == true;
    }`,
    );
  });
  after(() => env.cleanup());
  beforeEach(async () => {
    await env.clearFirestore();
    await seed(env, {
      "docs/a": { owner: "alice", visibility: "private" },
      "docs/b": { owner: "bob", visibility: "public" },
      "docs/c": { owner: "bob", visibility: "private" },
      "paged/1": { n: 1 },
      "threads/t/comments/1": { public: true },
    });
  });

  it("a query constrained by the rule's field is allowed", async () => {
    const snap = await assertSucceeds(
      as("alice").collection("docs").where("owner", "==", "alice").get(),
    );
    expect(snap.docs.map((d) => d.id)).to.deep.equal(["a"]);
  });
  it("rules are not filters: an unconstrained query is denied", async () => {
    await assertFails(as("alice").collection("docs").get());
  });
  it("a query constrained to another user is denied", async () => {
    await assertFails(as("alice").collection("docs").where("owner", "==", "bob").get());
  });
  it("an equality filter on another rule branch is allowed", async () => {
    const snap = await assertSucceeds(
      as("alice").collection("docs").where("visibility", "==", "public").get(),
    );
    expect(snap.docs.map((d) => d.id)).to.deep.equal(["b"]);
  });
  it("an in filter is allowed when every value is allowed", async () => {
    await assertSucceeds(
      as("alice").collection("docs").where("visibility", "in", ["public", "shared"]).get(),
    );
  });
  it("an in filter with one disallowed value is denied", async () => {
    await assertFails(
      as("alice").collection("docs").where("visibility", "in", ["public", "private"]).get(),
    );
  });
  it("a range filter does not prove an equality rule", async () => {
    await assertFails(as("alice").collection("docs").where("owner", ">=", "alice").get());
  });
  it("request.query.limit is checked", async () => {
    await assertSucceeds(as("alice").collection("paged").limit(5).get());
    await assertFails(as("alice").collection("paged").limit(50).get());
  });
  it("a collection-group query needs a {path=**} rule and the constraint", async () => {
    await assertSucceeds(as("alice").collectionGroup("comments").where("public", "==", true).get());
    await assertFails(as("alice").collectionGroup("comments").get());
  });
  it("a denied document listener ends with permission-denied", async () => {
    const ref = as("alice").doc("docs/b");
    expect(await firstListenOutcome((next, error) => ref.onSnapshot(next, error))).to.equal(
      "permission-denied",
    );
  });
  it("a denied query listener ends with permission-denied", async () => {
    const query = as("alice").collection("docs");
    expect(await firstListenOutcome((next, error) => query.onSnapshot(next, error))).to.equal(
      "permission-denied",
    );
  });
  it("an allowed query listener sees later documents", async () => {
    const db = as("alice");
    const seen: string[][] = [];
    let stop = (): void => undefined;
    const done = new Promise<void>((resolve, reject) => {
      stop = db
        .collection("docs")
        .where("owner", "==", "alice")
        .onSnapshot((snap) => {
          seen.push(snap.docs.map((d) => d.id));
          if (snap.size === 2) resolve();
        }, reject);
    });
    await seed(env, { "docs/d": { owner: "alice", visibility: "private" } });
    await done;
    stop();
    expect(seen[seen.length - 1]).to.deep.equal(["a", "d"]);
  });
});

// ---- loading ----

describe("rules language: loading", () => {
  it("rules with a syntax error are refused", async () => {
    let error: unknown;
    await loadRules(
      "demo-rules-loading",
      "rules_version = '2'; service cloud.firestore { match /a/{b} { allow read: if ; } }",
    ).catch((err: unknown) => (error = err));
    expect(error).to.be.instanceOf(Error);
  });
});
