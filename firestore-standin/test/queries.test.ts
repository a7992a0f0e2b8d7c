// Query semantics an app meets on the local stack: value order, every filter, cursors,
// offset and limitToLast, select(), collection groups, aggregations, vector search,
// listDocuments/recursiveDelete, readTime, listener order, and failing fast. Public
// firebase-admin APIs only, so the same cases hold against the official emulator.
import { expect } from "chai";
import type { App } from "firebase-admin/app";
import type {
  CollectionReference,
  DocumentData,
  Firestore,
  QuerySnapshot,
} from "firebase-admin/firestore";

import {
  adminApp,
  adminFirestore,
  emulatorHost,
  errorCode,
  PROJECT_ID,
  resetFirestore,
  waitUntil,
} from "./helpers";

const { AggregateField, FieldPath, FieldValue, Filter, Timestamp } = adminFirestore;
const INVALID_ARGUMENT = 3;

const ids = (snap: QuerySnapshot): string[] => snap.docs.map((d) => d.id);

describe("Firestore conformance: queries", function () {
  this.timeout(60_000);
  let app: App;
  let db: Firestore;
  let col: CollectionReference;

  before(() => {
    emulatorHost();
    app = adminApp.initializeApp({ projectId: PROJECT_ID }, `queries-${Date.now()}`);
    db = adminFirestore.getFirestore(app);
  });
  after(async () => {
    await adminApp.deleteApp(app);
  });
  beforeEach(async () => {
    await resetFirestore();
    col = db.collection("items");
  });

  async function put(docs: Record<string, DocumentData>): Promise<void> {
    const batch = db.batch();
    for (const [id, data] of Object.entries(docs)) batch.set(col.doc(id), data);
    await batch.commit();
  }

  describe("order and filters", () => {
    it("orders mixed types by Firestore's total order", async () => {
      await put({
        map: { v: { a: 1 } },
        arr: { v: [1] },
        geo: { v: new adminFirestore.GeoPoint(1, 2) },
        ref: { v: col.doc("x") },
        bytes: { v: Buffer.from([1]) },
        str: { v: "a" },
        ts: { v: Timestamp.fromMillis(1) },
        num: { v: 2 },
        dbl: { v: 1.5 },
        nan: { v: Number.NaN },
        bool: { v: true },
        nul: { v: null },
      });
      const snap = await col.orderBy("v").get();
      expect(ids(snap)).to.deep.equal([
        "nul",
        "bool",
        "nan",
        "dbl",
        "num",
        "ts",
        "str",
        "bytes",
        "ref",
        "geo",
        "arr",
        "map",
      ]);
    });

    it("orders strings by UTF-8 bytes and numeric ids first, in queries and listeners alike", async () => {
      await put({ a: { s: "\uFFFD" }, b: { s: "\u{1F600}" }, c: { s: "Z" }, d: { s: "a" } });
      const snap = await col.orderBy("s").get();
      expect(ids(snap)).to.deep.equal(["c", "d", "a", "b"]);
      let fromListener: string[] = [];
      const stop = col.orderBy("s").onSnapshot((s) => (fromListener = ids(s)));
      try {
        await waitUntil(() => fromListener.length === 4, 10_000, "listener snapshot");
      } finally {
        stop();
      }
      expect(fromListener).to.deep.equal(ids(snap));
    });

    it("keeps 64-bit integers exact beyond 2^53: storage, equality, order, increment, sum", async () => {
      const bigApp = adminApp.initializeApp({ projectId: PROJECT_ID }, `bigint-${Date.now()}`);
      try {
        const big = adminFirestore.getFirestore(bigApp);
        big.settings({ useBigInt: true });
        const c = big.collection("items");
        const n = 2n ** 53n + 1n;
        await c.doc("a").set({ v: n });
        await c.doc("b").set({ v: n + 1n });
        await c.doc("a").update({ v: FieldValue.increment(2) });
        expect((await c.doc("a").get()).get("v")).to.equal(n + 2n);
        expect(ids(await c.where("v", "==", n + 1n).get())).to.deep.equal(["b"]);
        expect(ids(await c.orderBy("v", "desc").get())).to.deep.equal(["a", "b"]);
        const total = await c.aggregate({ s: AggregateField.sum("v") }).get();
        expect(total.data().s).to.equal(2n * n + 3n);
      } finally {
        await adminApp.deleteApp(bigApp);
      }
    });

    it("supports !=, not-in, in, array-contains-any, and null/NaN rules", async () => {
      await put({
        nan: { z: Number.NaN },
        a: { z: 1 },
        b: { z: 2 },
        s: { z: "2" },
        n: { z: null },
        arr: { z: [2] },
        none: {},
      });
      expect(ids(await col.where("z", "!=", 2).get())).to.have.members(["nan", "a", "s", "arr"]);
      expect(ids(await col.where("z", "not-in", [1, 2]).get())).to.have.members([
        "nan",
        "s",
        "arr",
      ]);
      expect(ids(await col.where("z", "in", [1, "2"]).get())).to.have.members(["a", "s"]);
      expect(ids(await col.where("z", "array-contains-any", [2, 3]).get())).to.deep.equal(["arr"]);
      expect(ids(await col.where("z", "==", null).get())).to.deep.equal(["n"]);
      expect(ids(await col.where("z", "==", Number.NaN).get())).to.deep.equal(["nan"]);
      expect(ids(await col.where("z", ">", 0).get())).to.deep.equal(["a", "b"]);
    });

    it("supports document-id filters, OR composites and multiple inequalities", async () => {
      await put({ a: { x: 1, y: 9 }, b: { x: 2, y: 8 }, c: { x: 3, y: 7 }, d: { x: 4, y: 6 } });
      const byId = await col
        .where(FieldPath.documentId(), ">=", "b")
        .where(FieldPath.documentId(), "not-in", ["c"])
        .get();
      expect(ids(byId)).to.deep.equal(["b", "d"]);
      const or = await col
        .where(Filter.or(Filter.where("x", "==", 1), Filter.where("y", "==", 6)))
        .get();
      expect(ids(or)).to.deep.equal(["a", "d"]);
      // Implicit order: the inequality fields in field-path order (x, then y).
      const multi = await col.where("y", "<", 9).where("x", ">", 1).get();
      expect(ids(multi)).to.deep.equal(["b", "c", "d"]);
    });
  });

  describe("pagination", () => {
    beforeEach(() => put({ a: { n: 1 }, b: { n: 2 }, c: { n: 2 }, d: { n: 3 }, e: { n: 4 } }));

    it("pages newest first with startAfter(snapshot) until the end", async () => {
      const seen: string[] = [];
      let page = await col.orderBy("n", "desc").limit(2).get();
      while (!page.empty) {
        seen.push(...ids(page));
        page = await col
          .orderBy("n", "desc")
          .startAfter(page.docs[page.docs.length - 1])
          .limit(2)
          .get();
      }
      expect(seen).to.deep.equal(["e", "d", "c", "b", "a"]);
    });

    it("supports startAt/endAt/endBefore values, offset and limitToLast", async () => {
      expect(ids(await col.orderBy("n").startAt(2).endAt(3).get())).to.deep.equal(["b", "c", "d"]);
      expect(ids(await col.orderBy("n").startAfter(2).endBefore(4).get())).to.deep.equal(["d"]);
      expect(ids(await col.orderBy("n").offset(1).limit(2).get())).to.deep.equal(["b", "c"]);
      expect(ids(await col.orderBy("n").limitToLast(2).get())).to.deep.equal(["d", "e"]);
    });

    it("select() returns only the chosen fields", async () => {
      await col.doc("f").set({ n: 5, secret: "x", nested: { keep: 1, drop: 2 } });
      const snap = await col.where("n", "==", 5).select("n", "nested.keep").get();
      expect(snap.docs[0]?.data()).to.deep.equal({ n: 5, nested: { keep: 1 } });
    });
  });

  describe("listeners", () => {
    it("a limited query listener follows documents into and out of its window", async () => {
      await put({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
      let seen: string[] = [];
      const stop = col
        .orderBy("n")
        .limit(2)
        .onSnapshot((s) => (seen = ids(s)));
      try {
        await waitUntil(() => seen.join() === "a,b", 10_000, "the first snapshot");
        await col.doc("c").update({ n: 0 });
        await waitUntil(() => seen.join() === "c,a", 10_000, "c moved in, b pushed out");
        await col.doc("a").delete();
        await waitUntil(() => seen.join() === "c,b", 10_000, "a deleted, b back");
      } finally {
        stop();
      }
    });
  });

  describe("collection groups, listing and deletion", () => {
    it("collection-group queries see every depth", async () => {
      await db.doc("users/u1/creations/c1").set({ v: 1 });
      await db.doc("users/u1/creations/c1/creations/c2").set({ v: 2 });
      await db.doc("creations/c3").set({ v: 3 });
      const snap = await db.collectionGroup("creations").orderBy("v").get();
      expect(ids(snap)).to.deep.equal(["c1", "c2", "c3"]);
    });

    it("listDocuments() includes documents that only have subcollections; recursiveDelete removes everything", async () => {
      await col.doc("a").set({ v: 1 });
      await col.doc("ghost").collection("sub").doc("s").set({ v: 2 });
      const listed = await col.listDocuments();
      expect(listed.map((r) => r.id).sort()).to.deep.equal(["a", "ghost"]);
      await db.recursiveDelete(col);
      expect((await db.collectionGroup("sub").get()).size).to.equal(0);
      expect((await col.get()).size).to.equal(0);
    });
  });

  describe("aggregations", () => {
    it("count, sum and average with orderBy, cursors and limits", async () => {
      await put({ a: { p: 10 }, b: { p: 20 }, c: { p: 30.5 }, d: { q: 1 } });
      const agg = await col
        .orderBy("p")
        .startAfter(10)
        .aggregate({
          n: AggregateField.count(),
          total: AggregateField.sum("p"),
          mean: AggregateField.average("p"),
        })
        .get();
      expect(agg.data()).to.deep.equal({ n: 2, total: 50.5, mean: 25.25 });
      const limited = await col.limit(2).count().get();
      expect(limited.data().count).to.equal(2);
      const none = await col
        .where("p", ">", 100)
        .aggregate({ s: AggregateField.sum("p"), m: AggregateField.average("p") })
        .get();
      expect(none.data()).to.deep.equal({ s: 0, m: null });
    });

    it("refuses more than five aggregations with INVALID_ARGUMENT", async () => {
      const many = col.aggregate({
        a: AggregateField.count(),
        b: AggregateField.count(),
        c: AggregateField.count(),
        d: AggregateField.count(),
        e: AggregateField.count(),
        f: AggregateField.count(),
      });
      const err = await many.get().then(
        () => null,
        (e: unknown) => e,
      );
      expect(errorCode(err)).to.equal(INVALID_ARGUMENT);
    });
  });

  describe("vector search", () => {
    it("findNearest filters first, then ranks by distance", async () => {
      await put({
        a: { kind: "x", e: FieldValue.vector([1, 0]) },
        b: { kind: "x", e: FieldValue.vector([0, 1]) },
        c: { kind: "y", e: FieldValue.vector([1, 0.1]) },
        d: { kind: "x", e: FieldValue.vector([5, 5]) },
      });
      const snap = await col
        .where("kind", "==", "x")
        .findNearest({
          vectorField: "e",
          queryVector: [1, 0],
          limit: 2,
          distanceMeasure: "EUCLIDEAN",
          distanceResultField: "dist",
        })
        .get();
      expect(snap.docs.map((d) => [d.id, d.get("dist") as number])).to.deep.equal([
        ["a", 0],
        ["b", Math.SQRT2],
      ]);
    });
  });

  describe("read time", () => {
    it("a read-only transaction at a readTime sees the data as it was", async () => {
      const ref = col.doc("a");
      const first = await ref.set({ v: 1 });
      await ref.set({ v: 2 });
      const seen = await db.runTransaction(async (tx) => (await tx.get(ref)).get("v") as number, {
        readOnly: true,
        readTime: first.writeTime,
      });
      expect(seen).to.equal(1);
      const snap = await db.runTransaction((tx) => tx.get(col), {
        readOnly: true,
        readTime: first.writeTime,
      });
      expect(snap.docs.map((d) => d.get("v") as number)).to.deep.equal([1]);
    });
  });
});
