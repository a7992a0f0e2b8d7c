import { StructuredQuery } from "@firestore-emulator/proto/dist/google/firestore/v1/query";
import { expect } from "chai";

import { normalizedOrder, runQuery } from "../src/query/engine";
import { fieldRef } from "../src/query/fields";
import { toQuery } from "../src/query/fromProto";
import { QueryError } from "../src/query/types";
import { asc, DB, desc, doc, ids, int, query, ref, str, where } from "./fixtures";

const docs = [
  doc("posts/a", { n: int(3), tag: str("x") }),
  doc("posts/b", { n: int(1), tag: str("y") }),
  doc("posts/c", { n: int(2), tag: str("x"), extra: int(0) }),
  doc("posts/d", { n: int(2) }),
  doc("posts/e", { tag: str("z") }),
  doc("users/u/posts/f", { n: int(5) }),
  doc("users/u/posts/f/posts/g", { n: int(6) }),
  doc("users/u/likes/h", { n: int(7) }),
];

describe("query engine", () => {
  it("orders by the explicit order, then the name in the last direction; ordering implies existence", () => {
    expect(ids(runQuery(docs, query("posts", { orderBy: [asc("n")] })))).to.deep.equal([
      "posts/b",
      "posts/c",
      "posts/d",
      "posts/a",
    ]);
    expect(ids(runQuery(docs, query("posts", { orderBy: [desc("n")] })))).to.deep.equal([
      "posts/a",
      "posts/d",
      "posts/c",
      "posts/b",
    ]);
  });

  it("adds inequality fields to the order, in field-path order, after explicit ones", () => {
    const q = query("posts", {
      orderBy: [desc("tag")],
      where: {
        kind: "composite",
        op: "and",
        filters: [where("n", ">", int(0)), where("extra", "!=", int(1))],
      },
    });
    expect(
      normalizedOrder(q).map((o) => `${o.field.path}:${o.descending ? "desc" : "asc"}`),
    ).to.deep.equal(["tag:desc", "extra:desc", "n:desc", "__name__:desc"]);
  });

  it("applies startAt/startAfter/endAt/endBefore against the normalized order", () => {
    const ordered = (bounds: object): string[] =>
      ids(runQuery(docs, query("posts", { orderBy: [asc("n")], ...bounds })));
    expect(ordered({ startAt: { values: [int(2)], before: true } })).to.deep.equal([
      "posts/c",
      "posts/d",
      "posts/a",
    ]);
    expect(ordered({ startAt: { values: [int(2)], before: false } })).to.deep.equal(["posts/a"]);
    expect(ordered({ startAt: { values: [int(2), ref("posts/c")], before: false } })).to.deep.equal(
      ["posts/d", "posts/a"],
    );
    expect(ordered({ endAt: { values: [int(2)], before: false } })).to.deep.equal([
      "posts/b",
      "posts/c",
      "posts/d",
    ]);
    expect(ordered({ endAt: { values: [int(2)], before: true } })).to.deep.equal(["posts/b"]);
  });

  it("applies offset after cursors, then limit", () => {
    const q = query("posts", { orderBy: [asc("n")], offset: 1, limit: 2 });
    expect(ids(runQuery(docs, q))).to.deep.equal(["posts/c", "posts/d"]);
  });

  it("collection groups see every depth under the parent; kindless queries see every collection", () => {
    const group = query("posts", { allDescendants: true });
    expect(ids(runQuery(docs, group))).to.have.members([
      "posts/a",
      "posts/b",
      "posts/c",
      "posts/d",
      "posts/e",
      "users/u/posts/f",
      "users/u/posts/f/posts/g",
    ]);
    const kindless = query("", { allDescendants: true, parent: `${DB}/users/u` });
    expect(ids(runQuery(docs, kindless))).to.deep.equal([
      "users/u/likes/h",
      "users/u/posts/f",
      "users/u/posts/f/posts/g",
    ]);
  });

  it("select() keeps only the named fields", () => {
    const q = query("posts", { select: [fieldRef("tag")], where: where("n", "==", int(2)) });
    expect(runQuery(docs, q).map((d) => d.fields)).to.deep.equal([
      { tag: { string_value: "x" } },
      {},
    ]);
  });
});

describe("query validation", () => {
  it("refuses more cursor values than ordered fields, and a non-reference __name__ cursor", () => {
    const request = (values: object[]) =>
      StructuredQuery.fromObject({
        from: [{ collection_id: "posts" }],
        order_by: [{ field: { field_path: "n" }, direction: 1 }],
        start_at: { values, before: true },
      });
    expect(() => toQuery(DB, request([int(1), ref("posts/a"), int(3)]))).to.throw(
      QueryError,
      /Too many cursor values/,
    );
    expect(() => toQuery(DB, request([int(1), str("a")]))).to.throw(QueryError, /__name__/);
    expect(toQuery(DB, request([int(1), ref("posts/a")])).startAt?.values).to.have.length(2);
  });
});
