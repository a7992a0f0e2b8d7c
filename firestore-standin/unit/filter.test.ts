import { expect } from "chai";

import { matches } from "../src/query/filter";
import { fieldRef } from "../src/query/fields";
import type { Filter } from "../src/query/types";
import { arr, dbl, doc, int, map, nul, ref, str, where } from "./fixtures";

const zips = [
  doc("c/nan", { zip: dbl(Number.NaN) }),
  doc("c/n1", { zip: int(91102) }),
  doc("c/n2", { zip: int(98101) }),
  doc("c/s", { zip: str("98101") }),
  doc("c/arr", { zip: arr(int(98101)) }),
  doc("c/map", { zip: map({ zip: int(98101) }) }),
  doc("c/null", { zip: nul }),
  doc("c/none", { other: int(1) }),
];
const hits = (f: Filter): string[] =>
  zips.filter((d) => matches(d, f)).map((d) => d.name.split("/").pop() ?? "");

describe("filters", () => {
  it("== matches across integer and double, never a missing field", () => {
    expect(hits(where("zip", "==", dbl(98101)))).to.deep.equal(["n2"]);
  });

  it("!= excludes null, missing fields and equal values but keeps NaN and other types", () => {
    expect(hits(where("zip", "!=", int(98101)))).to.deep.equal(["nan", "n1", "s", "arr", "map"]);
  });

  it("not-in excludes null and NaN when asked, and everything when the list has null", () => {
    expect(hits(where("zip", "not-in", arr(int(98101), dbl(Number.NaN))))).to.deep.equal([
      "n1",
      "s",
      "arr",
      "map",
    ]);
    expect(hits(where("zip", "not-in", arr(nul)))).to.deep.equal([]);
  });

  it("range filters stay within one type and skip NaN", () => {
    expect(hits(where("zip", "<", int(100000)))).to.deep.equal(["n1", "n2"]);
    expect(hits(where("zip", ">=", str("")))).to.deep.equal(["s"]);
  });

  it("in, array-contains and array-contains-any", () => {
    expect(hits(where("zip", "in", arr(int(91102), str("98101"))))).to.deep.equal(["n1", "s"]);
    expect(hits(where("zip", "array-contains", int(98101)))).to.deep.equal(["arr"]);
    expect(hits(where("zip", "array-contains-any", arr(int(1), dbl(98101))))).to.deep.equal([
      "arr",
    ]);
  });

  it("unary filters: is-null, is-nan, is-not-null, is-not-nan", () => {
    const unary = (op: "is-null" | "is-nan" | "is-not-null" | "is-not-nan"): Filter => ({
      kind: "unary",
      field: fieldRef("zip"),
      op,
    });
    expect(hits(unary("is-null"))).to.deep.equal(["null"]);
    expect(hits(unary("is-nan"))).to.deep.equal(["nan"]);
    expect(hits(unary("is-not-null"))).to.have.length(6);
    expect(hits(unary("is-not-nan"))).to.deep.equal(["n1", "n2", "s", "arr", "map"]);
  });

  it("nested paths, OR composites and document-name filters", () => {
    const or: Filter = {
      kind: "composite",
      op: "or",
      filters: [where("zip.zip", "==", int(98101)), where("__name__", "==", ref("c/s"))],
    };
    expect(hits(or)).to.deep.equal(["s", "map"]);
  });
});
