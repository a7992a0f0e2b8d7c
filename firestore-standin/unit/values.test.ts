import { expect } from "chai";

import { comparePaths, compareUtf8, compareValues, valuesEqual } from "../src/query/values";
import { arr, bool, dbl, int, map, nul, ref, str, vec } from "./fixtures";

describe("value order", () => {
  it("orders types: null < bool < NaN < numbers < timestamp < string < bytes < ref < geo < array < vector < map", () => {
    const ascending = [
      nul,
      bool(false),
      bool(true),
      dbl(Number.NaN),
      dbl(-Infinity),
      int(-1),
      dbl(0.5),
      int(1),
      { timestamp_value: { seconds: 1, nanos: 0 } },
      str(""),
      str("a"),
      { bytes_value: new Uint8Array([0]) },
      ref("a/b"),
      { geo_point_value: { latitude: 0, longitude: 0 } },
      arr(),
      arr(int(1)),
      vec(1),
      map({}),
      map({ a: int(1) }),
    ];
    for (let i = 0; i + 1 < ascending.length; i++) {
      const [a, b] = [ascending[i], ascending[i + 1]];
      expect(compareValues(a, b), `${JSON.stringify(a)} < ${JSON.stringify(b)}`).to.equal(-1);
      expect(compareValues(b, a)).to.equal(1);
    }
  });

  it("mixes integers and doubles by value and keeps 64-bit integers exact", () => {
    expect(compareValues(int(1), dbl(1))).to.equal(0);
    expect(compareValues(int(2), dbl(1.5))).to.equal(1);
    expect(valuesEqual(int(1), dbl(1))).to.equal(true);
    expect(valuesEqual(dbl(Number.NaN), dbl(Number.NaN))).to.equal(false);
    expect(compareValues(dbl(Number.NaN), dbl(Number.NaN))).to.equal(0);
  });

  it("compares strings in UTF-8 byte order, not UTF-16 code units", () => {
    // U+FFFD is 3 UTF-8 bytes starting 0xEF; U+1F600 is 4 bytes starting 0xF0.
    expect(compareUtf8("\uFFFD", "\u{1F600}")).to.equal(-1);
    expect(compareUtf8("a", "ab")).to.equal(-1);
    expect(compareUtf8("Z", "a")).to.equal(-1);
  });

  it("orders numeric document ids (__id5__) first and by number", () => {
    expect(comparePaths("c/__id5__", "c/__id10__")).to.equal(-1);
    expect(comparePaths("c/__id10__", "c/a")).to.equal(-1);
    expect(comparePaths("c/__id-1__", "c/__id0__")).to.equal(-1);
    expect(comparePaths("c/a", "c/a/d/e")).to.equal(-1);
  });

  it("orders maps key by key, then by size; vectors by dimension first", () => {
    expect(compareValues(map({ a: int(2) }), map({ b: int(1) }))).to.equal(-1);
    expect(compareValues(map({ a: int(1) }), map({ a: int(1), b: int(0) }))).to.equal(-1);
    expect(compareValues(vec(9), vec(1, 1))).to.equal(-1);
  });
});
