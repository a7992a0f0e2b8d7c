import { Write } from "@firestore-emulator/proto/dist/google/firestore/v1/write";
import { expect } from "chai";

import { DocumentStore } from "../src/store";
import { applyWrites, timestampOf } from "../src/writes";
import { DB, int } from "./fixtures";

const name = `${DB}/c/d`;
const set = (n: number, pre?: object): Write =>
  Write.fromObject({
    update: { name, fields: { n: int(n) } },
    ...(pre ? { current_document: pre } : {}),
  });
const code = (fn: () => unknown): unknown => {
  try {
    fn();
    return "no error";
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
};

describe("atomic writes", () => {
  it("checks an update-time precondition against the version earlier writes of the batch left", () => {
    const store = new DocumentStore();
    applyWrites(store, 1000, [set(1)]);
    const before = timestampOf(1000);
    // The first write changes the document, so the old version no longer matches.
    expect(
      code(() => applyWrites(store, 2000, [set(2), set(3, { update_time: before })])),
    ).to.equal(9);
    expect(store.get(name)?.fields).to.deep.equal({ n: int(1) });
    // The staged version (this commit's time) matches.
    applyWrites(store, 3000, [set(2), set(3, { update_time: timestampOf(3000) })]);
    expect(store.get(name)?.fields).to.deep.equal({ n: int(3) });
  });

  it("refuses reserved and malformed document names", () => {
    const store = new DocumentStore();
    const write = (path: string): Write =>
      Write.fromObject({ update: { name: `${DB}/${path}`, fields: {} } });
    expect(code(() => applyWrites(store, 1, [write("c/__doc__")]))).to.equal(3);
    expect(code(() => applyWrites(store, 1, [write("c")]))).to.equal(3);
    expect(code(() => applyWrites(store, 1, [write("c/__id7__")]))).to.equal("no error");
  });
});

describe("versioned store", () => {
  it("serves documents as they were at a past read time", () => {
    const store = new DocumentStore();
    applyWrites(store, 1000, [set(1)]);
    applyWrites(store, 2000, [set(2)]);
    applyWrites(store, 3000, [Write.fromObject({ delete: name })]);
    expect(store.get(name, 999)).to.equal(null);
    expect(store.get(name, 1500)?.fields).to.deep.equal({ n: int(1) });
    expect(store.get(name, 2000)?.fields).to.deep.equal({ n: int(2) });
    expect([...store.docs(2500)].map((d) => d.updateTime)).to.deep.equal([2000]);
    expect(store.get(name)).to.equal(null);
  });

  it("hands out read times no commit can precede", () => {
    const store = new DocumentStore();
    const read = store.readTime();
    expect(store.nextCommitTime()).to.be.greaterThan(read);
  });
});

describe("collection index", () => {
  it("serves a collection query only that collection's current documents", () => {
    const store = new DocumentStore();
    const put = (path: string): Write =>
      Write.fromObject({ update: { name: `${DB}/${path}`, fields: {} } });
    applyWrites(store, 1, [put("c/a"), put("c/b"), put("c/a/sub/x"), put("d/z")]);
    applyWrites(store, 2, [Write.fromObject({ delete: `${DB}/c/b` })]);
    const q = { parent: DB, collectionId: "c", allDescendants: false, orderBy: [], offset: 0 };
    expect([...store.candidates(q)].map((d) => d.name)).to.deep.equal([`${DB}/c/a`]);
    expect([...store.candidates({ ...q, allDescendants: true })]).to.have.length(3);
    expect([...store.candidates(q, 1)]).to.have.length(4);
  });
});
