import { expect } from "chai";

import { aggregate } from "../src/query/aggregate";
import { fieldRef } from "../src/query/fields";
import { dbl, doc, int, str } from "./fixtures";

const sum = (path: string) => ({ alias: "s", op: "sum" as const, field: fieldRef(path) });
const avg = (path: string) => ({ alias: "a", op: "avg" as const, field: fieldRef(path) });

describe("aggregations", () => {
  it("sums integers as an integer, mixed numbers as a double, ignoring non-numbers", () => {
    expect(
      aggregate([doc("c/1", { x: int(1) }), doc("c/2", { x: int(2) })], [sum("x")]),
    ).to.deep.equal({
      s: { integer_value: 3 },
    });
    const mixed = [
      doc("c/1", { x: int(1) }),
      doc("c/2", { x: dbl(0.5) }),
      doc("c/3", { x: str("9") }),
    ];
    expect(aggregate(mixed, [sum("x"), avg("x")])).to.deep.equal({
      s: { double_value: 1.5 },
      a: { double_value: 0.75 },
    });
  });

  it("gives 0 for an empty sum, null for an empty average, and counts up to a limit", () => {
    expect(aggregate([], [sum("x"), avg("x"), { alias: "n", op: "count" }])).to.deep.equal({
      s: { integer_value: 0 },
      a: { null_value: 0 },
      n: { integer_value: 0 },
    });
    const three = [doc("c/1"), doc("c/2"), doc("c/3")];
    expect(aggregate(three, [{ alias: "n", op: "count", upTo: 2 }])).to.deep.equal({
      n: { integer_value: 2 },
    });
  });

  it("sums integers exactly beyond 2^53", () => {
    const docs = [doc("c/1", { x: int(2 ** 53) }), doc("c/2", { x: int(3) })];
    expect(aggregate(docs, [sum("x")]).s?.integer_value).to.equal("9007199254740995");
  });

  it("overflows a 64-bit integer sum into a double; NaN propagates", () => {
    const big = [doc("c/1", { x: int(2 ** 62) }), doc("c/2", { x: int(2 ** 62) })];
    expect(aggregate(big, [sum("x")]).s).to.deep.equal({ double_value: 2 ** 63 });
    const nan = [doc("c/1", { x: int(1) }), doc("c/2", { x: dbl(Number.NaN) })];
    expect(aggregate(nan, [sum("x")]).s?.double_value).to.be.NaN;
  });

  it("only counts documents that have every summed or averaged field", () => {
    const docs = [doc("c/1", { p: int(100), y: int(1980) }), doc("c/2", { p: int(50) })];
    expect(aggregate(docs, [sum("p"), avg("y"), { alias: "n", op: "count" }])).to.deep.equal({
      s: { integer_value: 100 },
      a: { double_value: 1980 },
      n: { integer_value: 1 },
    });
  });
});
