/**
 * firestore.rules against the official Firestore emulator:
 *   npm run test:rules
 * (firebase emulators:exec --only firestore sets FIRESTORE_EMULATOR_HOST,
 * which initializeTestEnvironment discovers). The emulator needs Java 21 and
 * downloads its JAR on first start, so these tests do not run in the offline
 * `npm test`; checks/rules.test.ts checks the rules file statically instead.
 *
 * Matrix: owner / other user / anonymous (signed out) x get / list / create /
 * update / delete for users, creations and transactions, plus the public feed
 * (publicCreations: the projection others may read).
 */
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const PROJECT_ID = "demo-phoenix";
const ALICE = "alice";
const BOB = "bob";

let env: RulesTestEnvironment;

const alice = (): RulesTestContext => env.authenticatedContext(ALICE);
const bob = (): RulesTestContext => env.authenticatedContext(BOB);
const anon = (): RulesTestContext => env.unauthenticatedContext();

const db = (ctx: RulesTestContext) => ctx.firestore();

const at = (iso: string): Date => new Date(iso);

/** Documents as the functions write them (Admin SDK, rules bypassed). */
const seed: Record<string, Record<string, unknown>> = {
  "users/alice": { tokenBalance: 90, totalTokensSpent: 10 },
  "users/bob": { tokenBalance: 100, totalTokensSpent: 0 },
  "creations/alice-draft": {
    userId: ALICE,
    prompt: "a fox in the snow",
    status: "draft",
    cost: 10,
    createdAt: at("2025-01-01T10:00:00Z"),
    updatedAt: at("2025-01-01T10:02:00Z"),
  },
  "creations/alice-published": {
    userId: ALICE,
    prompt: "a lighthouse at dusk",
    status: "published",
    cost: 10,
    createdAt: at("2025-01-01T09:00:00Z"),
    updatedAt: at("2025-01-01T09:05:00Z"),
    publishedAt: at("2025-01-01T09:05:00Z"),
  },
  "publicCreations/alice-published": {
    creationId: "alice-published",
    mediaUrl: "https://media.example/alice-published.mp4",
    posterUrl: null,
    prompt: "a lighthouse at dusk",
    aspectRatio: "9:16",
    duration: 8,
    creatorName: "Alice",
    publishedAt: at("2025-01-01T09:05:00Z"),
  },
  "creations/bob-pending": {
    userId: BOB,
    prompt: "rain on a tin roof",
    status: "pending",
    cost: 10,
    createdAt: at("2025-01-01T11:00:00Z"),
    updatedAt: at("2025-01-01T11:00:00Z"),
  },
  "transactions/alice-debit": {
    userId: ALICE,
    type: "video_generation",
    amount: -10,
    timestamp: at("2025-01-01T10:00:00Z"),
    details: { creationId: "alice-draft" },
  },
  "transactions/bob-grant": {
    userId: BOB,
    type: "grant",
    amount: 100,
    timestamp: at("2025-01-01T08:00:00Z"),
    details: { reason: "welcome" },
  },
};

before(async () => {
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { rules: readFileSync(join(__dirname, "..", "firestore.rules"), "utf8") },
  });
});

after(async () => {
  await env.cleanup();
});

beforeEach(async () => {
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (ctx) => {
    const admin = ctx.firestore();
    await Promise.all(Object.entries(seed).map(([path, data]) => admin.doc(path).set(data)));
  });
});

describe("users/{uid}", () => {
  it("owner gets their own user document", async () => {
    const snap = await assertSucceeds(db(alice()).doc("users/alice").get());
    expect(snap.get("tokenBalance")).to.equal(90);
  });

  it("another user cannot get it", async () => {
    await assertFails(db(bob()).doc("users/alice").get());
  });

  it("anonymous cannot get it", async () => {
    await assertFails(db(anon()).doc("users/alice").get());
  });

  it("owner cannot list the users collection", async () => {
    await assertFails(db(alice()).collection("users").get());
  });

  it("anonymous cannot list the users collection", async () => {
    await assertFails(db(anon()).collection("users").get());
  });

  it("owner cannot create their user document (the Auth trigger does)", async () => {
    await assertFails(
      db(env.authenticatedContext("carol")).doc("users/carol").set({ tokenBalance: 1000 }),
    );
  });

  it("anonymous cannot create a user document", async () => {
    await assertFails(db(anon()).doc("users/mallory").set({ tokenBalance: 1000 }));
  });

  it("owner cannot update their own balance", async () => {
    await assertFails(db(alice()).doc("users/alice").update({ tokenBalance: 1_000_000 }));
  });

  it("another user cannot update it", async () => {
    await assertFails(db(bob()).doc("users/alice").update({ tokenBalance: 0 }));
  });

  it("owner cannot delete their user document", async () => {
    await assertFails(db(alice()).doc("users/alice").delete());
  });

  it("another user cannot delete it", async () => {
    await assertFails(db(bob()).doc("users/alice").delete());
  });
});

describe("creations/{id}", () => {
  it("owner gets their own draft", async () => {
    const snap = await assertSucceeds(db(alice()).doc("creations/alice-draft").get());
    expect(snap.get("status")).to.equal("draft");
  });

  it("owner gets their own pending creation (progress listener)", async () => {
    await assertSucceeds(db(bob()).doc("creations/bob-pending").get());
  });

  it("another user cannot get a draft", async () => {
    await assertFails(db(bob()).doc("creations/alice-draft").get());
  });

  it("anonymous cannot get a draft", async () => {
    await assertFails(db(anon()).doc("creations/alice-draft").get());
  });

  it("owner lists their creations newest first (where userId == uid orderBy createdAt desc)", async () => {
    const snap = await assertSucceeds(
      db(alice())
        .collection("creations")
        .where("userId", "==", ALICE)
        .orderBy("createdAt", "desc")
        .get(),
    );
    expect(snap.docs.map((d) => d.id)).to.deep.equal(["alice-draft", "alice-published"]);
  });

  it("another user cannot list someone else's creations", async () => {
    await assertFails(
      db(bob())
        .collection("creations")
        .where("userId", "==", ALICE)
        .orderBy("createdAt", "desc")
        .get(),
    );
  });

  it("anonymous cannot list a user's creations", async () => {
    await assertFails(
      db(anon())
        .collection("creations")
        .where("userId", "==", ALICE)
        .orderBy("createdAt", "desc")
        .get(),
    );
  });

  it("a signed-in user cannot list the whole collection unfiltered", async () => {
    await assertFails(db(alice()).collection("creations").get());
  });

  it("owner cannot create a creation (generateVideo does)", async () => {
    await assertFails(
      db(alice())
        .doc("creations/forged")
        .set({ userId: ALICE, status: "draft", cost: 0, prompt: "free" }),
    );
  });

  it("another user cannot create a creation in someone's name", async () => {
    await assertFails(
      db(bob()).doc("creations/forged").set({ userId: ALICE, status: "pending", cost: 10 }),
    );
  });

  it("anonymous cannot create a creation", async () => {
    await assertFails(
      db(anon()).doc("creations/forged").set({ userId: "anon", status: "pending" }),
    );
  });

  it("owner cannot update their creation (publishCreation does)", async () => {
    await assertFails(db(alice()).doc("creations/alice-draft").update({ status: "published" }));
  });

  it("another user cannot update a creation", async () => {
    await assertFails(db(bob()).doc("creations/alice-published").update({ prompt: "defaced" }));
  });

  it("another user's update of a missing creation is refused like any other (existence not revealed)", async () => {
    // The update's exists precondition fails too; Firestore answers the rules' refusal first.
    await assertFails(db(bob()).doc("creations/no-such-creation").update({ prompt: "probe" }));
  });

  it("anonymous cannot update a creation", async () => {
    await assertFails(db(anon()).doc("creations/alice-published").update({ prompt: "defaced" }));
  });

  it("owner cannot delete their draft directly (deleteCreation also removes the media)", async () => {
    await assertFails(db(alice()).doc("creations/alice-draft").delete());
  });

  it("another user cannot delete a creation", async () => {
    await assertFails(db(bob()).doc("creations/alice-published").delete());
  });

  it("anonymous cannot delete a creation", async () => {
    await assertFails(db(anon()).doc("creations/alice-published").delete());
  });
});

describe("public feed (publicCreations, the projection of published creations)", () => {
  it("another signed-in user gets the public projection of a published creation", async () => {
    const snap = await assertSucceeds(db(bob()).doc("publicCreations/alice-published").get());
    expect(snap.get("prompt")).to.equal("a lighthouse at dusk");
  });

  it("another signed-in user cannot get the published creation itself (internals)", async () => {
    await assertFails(db(bob()).doc("creations/alice-published").get());
  });

  it("anonymous cannot get a published creation's projection", async () => {
    await assertFails(db(anon()).doc("publicCreations/alice-published").get());
  });

  it("a signed-in user lists the feed (publicCreations orderBy publishedAt desc)", async () => {
    const snap = await assertSucceeds(
      db(bob()).collection("publicCreations").orderBy("publishedAt", "desc").get(),
    );
    expect(snap.docs.map((d) => d.id)).to.deep.equal(["alice-published"]);
  });

  it("anonymous cannot list the feed", async () => {
    await assertFails(
      db(anon()).collection("publicCreations").orderBy("publishedAt", "desc").get(),
    );
  });

  it("a signed-in user cannot list other users' creations by status", async () => {
    await assertFails(db(bob()).collection("creations").where("status", "==", "published").get());
    await assertFails(db(bob()).collection("creations").where("status", "==", "draft").get());
  });

  it("nobody writes the feed from a client", async () => {
    await assertFails(db(alice()).doc("publicCreations/alice-published").update({ prompt: "x" }));
    await assertFails(db(alice()).doc("publicCreations/forged").set({ prompt: "x" }));
    await assertFails(db(bob()).doc("publicCreations/alice-published").delete());
  });
});

describe("transactions/{id}", () => {
  it("owner gets their own ledger entry", async () => {
    const snap = await assertSucceeds(db(alice()).doc("transactions/alice-debit").get());
    expect(snap.get("amount")).to.equal(-10);
  });

  it("another user cannot get it", async () => {
    await assertFails(db(bob()).doc("transactions/alice-debit").get());
  });

  it("anonymous cannot get it", async () => {
    await assertFails(db(anon()).doc("transactions/alice-debit").get());
  });

  it("owner lists their ledger newest first (where userId == uid orderBy timestamp desc)", async () => {
    const snap = await assertSucceeds(
      db(alice())
        .collection("transactions")
        .where("userId", "==", ALICE)
        .orderBy("timestamp", "desc")
        .get(),
    );
    expect(snap.docs.map((d) => d.id)).to.deep.equal(["alice-debit"]);
  });

  it("another user cannot list someone else's ledger", async () => {
    await assertFails(
      db(bob())
        .collection("transactions")
        .where("userId", "==", ALICE)
        .orderBy("timestamp", "desc")
        .get(),
    );
  });

  it("anonymous cannot list a ledger", async () => {
    await assertFails(
      db(anon())
        .collection("transactions")
        .where("userId", "==", ALICE)
        .orderBy("timestamp", "desc")
        .get(),
    );
  });

  it("a signed-in user cannot list the whole ledger unfiltered", async () => {
    await assertFails(db(alice()).collection("transactions").get());
  });

  it("owner cannot create a ledger entry (a self-granted credit)", async () => {
    await assertFails(
      db(alice())
        .doc("transactions/forged")
        .set({ userId: ALICE, type: "grant", amount: 1000, timestamp: new Date() }),
    );
  });

  it("another user cannot create an entry in someone's name", async () => {
    await assertFails(
      db(bob()).doc("transactions/forged").set({ userId: ALICE, type: "refund", amount: 10 }),
    );
  });

  it("anonymous cannot create an entry", async () => {
    await assertFails(
      db(anon()).doc("transactions/forged").set({ userId: "anon", type: "grant", amount: 1 }),
    );
  });

  it("owner cannot update their entry", async () => {
    await assertFails(db(alice()).doc("transactions/alice-debit").update({ amount: 0 }));
  });

  it("another user cannot update an entry", async () => {
    await assertFails(db(bob()).doc("transactions/alice-debit").update({ amount: 0 }));
  });

  it("owner cannot delete their entry", async () => {
    await assertFails(db(alice()).doc("transactions/alice-debit").delete());
  });

  it("another user cannot delete an entry", async () => {
    await assertFails(db(bob()).doc("transactions/alice-debit").delete());
  });

  it("anonymous cannot delete an entry", async () => {
    await assertFails(db(anon()).doc("transactions/alice-debit").delete());
  });
});

describe("anything else (deny by default)", () => {
  it("a signed-in user cannot read an unlisted collection", async () => {
    await env.withSecurityRulesDisabled(async (ctx) => {
      await ctx.firestore().doc("config/pricing").set({ perSecond: 1 });
    });
    await assertFails(db(alice()).doc("config/pricing").get());
  });

  it("a signed-in user cannot write an unlisted collection", async () => {
    await assertFails(db(alice()).doc("config/pricing").set({ perSecond: 0 }));
  });

  it("a signed-in user cannot write a subcollection of their user document", async () => {
    await assertFails(db(alice()).doc("users/alice/private/notes").set({ text: "x" }));
  });
});
