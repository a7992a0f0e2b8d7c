// Firestore behaviours the Phoenix backend relies on. Runs against whatever
// FIRESTORE_EMULATOR_HOST points at (the stand-in or the official emulator) using only public
// firebase-admin APIs; it never starts a server itself.
import { expect } from "chai";
import type { App } from "firebase-admin/app";
import type { DocumentData, Firestore } from "firebase-admin/firestore";

import {
  adminApp,
  adminFirestore,
  emulatorHost,
  errorCode,
  lockLimitMs,
  PROJECT_ID,
  resetFirestore,
  waitUntil,
} from "./helpers";

const { FieldValue, Timestamp } = adminFirestore;
const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;

describe("Firestore conformance", function () {
  this.timeout(120_000);
  let app: App;
  let db: Firestore;

  before(() => {
    emulatorHost();
    app = adminApp.initializeApp({ projectId: PROJECT_ID }, `conformance-${Date.now()}`);
    db = adminFirestore.getFirestore(app);
  });
  after(async () => {
    await adminApp.deleteApp(app);
  });
  beforeEach(resetFirestore);

  describe("transactions", () => {
    it("50 concurrent read-then-write transactions on one counter lose no update", async () => {
      const ref = db.doc("counters/c1");
      await ref.set({ n: 0 });
      const runs = Array.from({ length: 50 }, () =>
        db.runTransaction(
          async (tx) => {
            const snap = await tx.get(ref);
            tx.update(ref, { n: (snap.get("n") as number) + 1 });
          },
          { maxAttempts: 10 },
        ),
      );
      const settled = await Promise.allSettled(runs);
      const failed = settled.filter((s) => s.status === "rejected").length;
      const n = (await ref.get()).get("n") as number;
      expect({ n, failed }).to.deep.equal({ n: 50, failed: 0 });
    });

    it("50 concurrent guarded debits never overdraw and succeed exactly as often as the balance allows", async () => {
      const user = db.doc("users/u1");
      const cost = 7;
      const start = 100;
      await user.set({ tokenBalance: start });
      const debit = (i: number): Promise<boolean> =>
        db.runTransaction(
          async (tx) => {
            const balance = (await tx.get(user)).get("tokenBalance") as number;
            if (balance < cost) return false;
            tx.update(user, { tokenBalance: balance - cost });
            tx.create(db.doc(`transactions/debit-${i}`), { userId: "u1", amount: -cost });
            return true;
          },
          { maxAttempts: 10 },
        );
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => debit(i)));
      const succeeded = results.filter(Boolean).length;
      const balance = (await user.get()).get("tokenBalance") as number;
      const ledger = (await db.collection("transactions").get()).size;
      const allowed = Math.floor(start / cost);
      expect({ balance, succeeded, ledger }).to.deep.equal({
        balance: start - allowed * cost,
        succeeded: allowed,
        ledger: allowed,
      });
    });

    it("200 concurrent single-document transactions on distinct documents all commit", async () => {
      const started = Date.now();
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          db.runTransaction(async (tx) => {
            const ref = db.doc(`many/d${i}`);
            const snap = await tx.get(ref);
            tx.set(ref, { n: ((snap.get("n") as number | undefined) ?? 0) + 1 });
          }),
        ),
      );
      const elapsed = Date.now() - started;
      const docs = await db.collection("many").get();
      expect(docs.size).to.equal(200);
      expect(docs.docs.every((d) => d.get("n") === 1)).to.equal(true);
      console.log(`      200 transactions on distinct documents: ${elapsed} ms`);
    });

    it("a transaction holding its locks past the limit is aborted and retried; a competing writer gets through", async function () {
      const limit = lockLimitMs();
      this.timeout(limit * 4 + 60_000);
      const ref = db.doc("locks/held");
      await ref.set({ v: 0 });
      let attempts = 0;
      let firstReadDone = false;
      let writerDone = false;
      const writer = (async () => {
        await waitUntil(() => firstReadDone, 30_000, "the first transactional read");
        await ref.update({ writer: true });
        writerDone = true;
      })();
      const tx = db.runTransaction(async (t) => {
        attempts += 1;
        const snap = await t.get(ref);
        if (attempts === 1) {
          firstReadDone = true;
          // Holds the transaction open until the writer is through: the server must end it.
          await waitUntil(() => writerDone, limit * 3 + 30_000, "the competing writer");
        }
        t.update(ref, { v: (snap.get("v") as number) + 1, sawWriter: snap.get("writer") === true });
      });
      await Promise.all([writer, tx]);
      const data = (await ref.get()).data();
      expect(attempts).to.be.greaterThan(1);
      expect(data).to.deep.include({ v: 1, writer: true, sawWriter: true });
    });

    it("reads outside a transaction are not blocked by a transaction's locks", async () => {
      const ref = db.doc("locks/read");
      await ref.set({ v: 1 });
      let plainReadValue: unknown;
      await db.runTransaction(
        async (tx) => {
          await tx.get(ref);
          plainReadValue = (await ref.get()).get("v");
          tx.update(ref, { v: 2 });
        },
        { maxAttempts: 1 },
      );
      expect(plainReadValue).to.equal(1);
      expect((await ref.get()).get("v")).to.equal(2);
    });
  });

  describe("preconditions and atomic commits", () => {
    it("create() on an existing document fails with ALREADY_EXISTS; update() on a missing one with NOT_FOUND", async () => {
      const ref = db.doc("things/a");
      await ref.create({ x: 1 });
      const createErr = await ref.create({ x: 2 }).then(
        () => null,
        (e: unknown) => e,
      );
      const updateErr = await db
        .doc("things/missing")
        .update({ x: 1 })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(errorCode(createErr)).to.equal(ALREADY_EXISTS);
      expect(errorCode(updateErr)).to.equal(NOT_FOUND);
      expect((await ref.get()).get("x")).to.equal(1);
    });

    it("a batch with one failing precondition applies none of its writes", async () => {
      await db.doc("things/existing").set({ v: 0 });
      const batch = db.batch();
      batch.set(db.doc("things/first"), { v: 1 });
      batch.update(db.doc("things/existing"), { v: 1 });
      batch.create(db.doc("things/existing"), { v: 2 });
      batch.set(db.doc("things/last"), { v: 1 });
      const err = await batch.commit().then(
        () => null,
        (e: unknown) => e,
      );
      expect(errorCode(err)).to.equal(ALREADY_EXISTS);
      const [first, existing, last] = await db.getAll(
        db.doc("things/first"),
        db.doc("things/existing"),
        db.doc("things/last"),
      );
      expect(first?.exists).to.equal(false);
      expect(existing?.data()).to.deep.equal({ v: 0 });
      expect(last?.exists).to.equal(false);
    });

    it("set() replaces a document, update() deletes fields with FieldValue.delete() and sets nested paths", async () => {
      const ref = db.doc("things/shape");
      await ref.set({ a: 1, b: 2, nested: { x: 1, y: 1 } });
      await ref.set({ a: 2 });
      expect((await ref.get()).data()).to.deep.equal({ a: 2 });
      await ref.set({ a: 1, b: 2, nested: { x: 1, y: 1 } });
      await ref.update({ b: FieldValue.delete(), "nested.y": 5 });
      expect((await ref.get()).data()).to.deep.equal({ a: 1, nested: { x: 1, y: 5 } });
    });
  });

  describe("field transforms", () => {
    it("applies FieldValue.increment and serverTimestamp together", async () => {
      const ref = db.doc("things/t");
      await ref.set({ n: 1, d: 0.5 });
      const before = Timestamp.now().toMillis();
      await ref.update({
        at: FieldValue.serverTimestamp(),
        n: FieldValue.increment(2),
        d: FieldValue.increment(1),
        "stats.count": FieldValue.increment(1),
      });
      const data = (await ref.get()).data() as DocumentData;
      expect(data.n).to.equal(3);
      expect(data.d).to.equal(1.5);
      expect(data.stats).to.deep.equal({ count: 1 });
      expect(data.at).to.be.instanceOf(Timestamp);
      // Same machine clock; generous bounds for a loaded machine.
      const at = (data.at as InstanceType<typeof Timestamp>).toMillis();
      expect(at).to.be.within(before - 60_000, Date.now() + 60_000);
    });

    it("50 concurrent increments all count", async () => {
      const ref = db.doc("things/inc");
      await ref.set({ n: 0 });
      await Promise.all(
        Array.from({ length: 50 }, () => ref.update({ n: FieldValue.increment(1) })),
      );
      expect((await ref.get()).get("n")).to.equal(50);
    });
  });

  describe("listeners", () => {
    it("a document listener sees every committed change, in order", async () => {
      const ref = db.doc("watched/doc");
      const seen: unknown[] = [];
      let listenError: unknown = null;
      const unsubscribe = ref.onSnapshot(
        (snap) => seen.push(snap.exists ? snap.get("v") : "missing"),
        (err) => {
          listenError = err;
        },
      );
      try {
        await waitUntil(() => seen.length > 0, 30_000, "the initial snapshot");
        for (let v = 1; v <= 10; v++) {
          await ref.set({ v });
          await waitUntil(
            () => seen.includes(v) || listenError !== null,
            30_000,
            `snapshot v=${v}`,
          );
        }
        await ref.delete();
        await waitUntil(() => seen.at(-1) === "missing", 30_000, "the deletion");
      } finally {
        unsubscribe();
      }
      expect(listenError).to.equal(null);
      const distinct = seen.filter((v, i) => i === 0 || v !== seen[i - 1]);
      expect(distinct).to.deep.equal(["missing", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "missing"]);
    });

    it("a query listener sees documents added after it started", async () => {
      const sizes: number[] = [];
      const unsubscribe = db
        .collection("feed")
        .where("owner", "==", "u1")
        .onSnapshot((snap) => sizes.push(snap.size));
      try {
        await waitUntil(() => sizes.length > 0, 30_000, "the initial query snapshot");
        await db.doc("feed/a").set({ owner: "u1" });
        await db.doc("feed/b").set({ owner: "u2" });
        await db.doc("feed/c").set({ owner: "u1" });
        await waitUntil(() => sizes.at(-1) === 2, 30_000, "both matching documents");
      } finally {
        unsubscribe();
      }
      expect(sizes[0]).to.equal(0);
    });
  });

  describe("other RPCs", () => {
    it("BulkWriter (BatchWrite) reports per-write failures and applies the rest", async () => {
      await db.doc("bulk/taken").set({ v: 0 });
      const failures: unknown[] = [];
      const writer = db.bulkWriter();
      writer.onWriteError((err) => {
        failures.push(err.code);
        return false;
      });
      for (let i = 0; i < 5; i++)
        void writer.create(db.doc(`bulk/new${i}`), { i }).catch(() => undefined);
      void writer.create(db.doc("bulk/taken"), { v: 1 }).catch(() => undefined);
      await writer.close();
      expect(failures).to.deep.equal([ALREADY_EXISTS]);
      expect((await db.collection("bulk").get()).size).to.equal(6);
      expect((await db.doc("bulk/taken").get()).get("v")).to.equal(0);
    });

    it("lists collection ids", async () => {
      await db.doc("alpha/1").set({});
      await db.doc("beta/1/sub/1").set({});
      const top = (await db.listCollections()).map((c) => c.id).sort();
      const sub = (await db.doc("beta/1").listCollections()).map((c) => c.id);
      expect(top).to.include.members(["alpha", "beta"]);
      expect(sub).to.deep.equal(["sub"]);
    });
  });
});
