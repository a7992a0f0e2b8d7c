import { expect } from "chai";

import { collectionIds, listDocuments } from "../src/listing";
import { DB, doc } from "./fixtures";

const docs = [doc("c/a"), doc("c/b/sub/x"), doc("c/c"), doc("d/z"), doc("c/a/deep/y")];

describe("listing", () => {
  it("lists a collection's documents, with missing parents of subcollections when asked", () => {
    const req = { parent: DB, collectionId: "c", showMissing: true, pageSize: 0, pageToken: "" };
    expect(
      listDocuments(docs, req).docs.map((d) => [d.name.slice(DB.length + 1), d.missing]),
    ).to.deep.equal([
      ["c/a", false],
      ["c/b", true],
      ["c/c", false],
    ]);
    expect(listDocuments(docs, { ...req, showMissing: false }).docs).to.have.length(2);
  });

  it("pages by name", () => {
    const req = { parent: DB, collectionId: "c", showMissing: true, pageSize: 2, pageToken: "" };
    const first = listDocuments(docs, req);
    expect(first.docs).to.have.length(2);
    const second = listDocuments(docs, { ...req, pageToken: first.nextPageToken });
    expect(second.docs.map((d) => d.name)).to.deep.equal([`${DB}/c/c`]);
    expect(second.nextPageToken).to.equal("");
  });

  it("lists collection ids under the root and under a document", () => {
    expect(collectionIds(docs, DB)).to.deep.equal(["c", "d"]);
    expect(collectionIds(docs, `${DB}/c/a`)).to.deep.equal(["deep"]);
    expect(collectionIds(docs, `${DB}/c/b`)).to.deep.equal(["sub"]);
  });
});
