import { expect } from "chai";

import { fieldRef } from "../src/query/fields";
import { nearest } from "../src/query/vector";
import { doc, ids, str, vec } from "./fixtures";

const docs = [
  doc("v/a", { e: vec(1, 0) }),
  doc("v/b", { e: vec(0, 1) }),
  doc("v/c", { e: vec(2, 2) }),
  doc("v/d", { e: vec(1, 2, 3) }),
  doc("v/e", { e: str("not a vector") }),
];

describe("findNearest", () => {
  it("ranks by euclidean distance, skipping other dimensions and non-vectors", () => {
    const spec = {
      field: fieldRef("e"),
      queryVector: [1, 0.1],
      measure: "euclidean" as const,
      limit: 5,
    };
    expect(ids(nearest(docs, spec))).to.deep.equal(["v/a", "v/b", "v/c"]);
  });

  it("ranks dot product largest first and honours the threshold and the result field", () => {
    const spec = {
      field: fieldRef("e"),
      queryVector: [1, 1],
      measure: "dot-product" as const,
      limit: 5,
      distanceThreshold: 1,
      distanceResultField: fieldRef("dist"),
    };
    const out = nearest(docs, spec);
    expect(ids(out)).to.deep.equal(["v/c", "v/a", "v/b"]);
    expect(out[0]?.fields["dist"]).to.deep.equal({ double_value: 4 });
  });

  it("cosine distance ignores magnitude", () => {
    const spec = {
      field: fieldRef("e"),
      queryVector: [5, 5],
      measure: "cosine" as const,
      limit: 1,
    };
    expect(ids(nearest(docs, spec))).to.deep.equal(["v/c"]);
  });
});
