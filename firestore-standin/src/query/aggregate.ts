// count / sum / avg over a query's result, with Firestore's result types: count and an
// all-integer sum that fits in 64 bits are integers; other sums and every average are
// doubles; the average of no numbers is null. Non-numeric values are ignored.
import { fieldValue } from "./fields";
import type { Doc, FieldRef } from "./types";
import { integerValue, NULL, type Val } from "./values";

export type Aggregation =
  | { alias: string; op: "count"; upTo?: number }
  | { alias: string; op: "sum" | "avg"; field: FieldRef };

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

function numbers(docs: Doc[], field: FieldRef): Val[] {
  return docs
    .map((d) => fieldValue(d, field))
    .filter(
      (v): v is Val =>
        v !== undefined && (v.integer_value !== undefined || v.double_value !== undefined),
    );
}

function sum(values: Val[]): Val {
  let asInt: bigint | null = 0n;
  let asDouble = 0;
  for (const v of values) {
    if (v.integer_value !== undefined && asInt !== null) {
      asInt += BigInt(v.integer_value);
      if (asInt > MAX_INT64 || asInt < MIN_INT64) asInt = null;
    } else {
      asInt = null;
    }
    asDouble += v.integer_value !== undefined ? Number(v.integer_value) : (v.double_value ?? 0);
  }
  return asInt !== null ? integerValue(asInt) : { double_value: asDouble };
}

function avg(values: Val[]): Val {
  if (values.length === 0) return NULL;
  let total = 0;
  for (const v of values)
    total += v.integer_value !== undefined ? Number(v.integer_value) : (v.double_value ?? 0);
  return { double_value: total / values.length };
}

/**
 * Aggregations run over the documents that have every field a sum or average names (the
 * server answers them from one index holding all those fields; the official emulator agrees).
 */
export function aggregate(all: Doc[], aggregations: Aggregation[]): Record<string, Val> {
  const fields = aggregations.flatMap((a) => (a.op === "count" ? [] : [a.field]));
  const docs = all.filter((d) => fields.every((f) => fieldValue(d, f) !== undefined));
  const out: Record<string, Val> = {};
  for (const a of aggregations) {
    if (a.op === "count") {
      const n = a.upTo === undefined ? docs.length : Math.min(docs.length, a.upTo);
      out[a.alias] = { integer_value: n };
    } else {
      const values = numbers(docs, a.field);
      out[a.alias] = a.op === "sum" ? sum(values) : avg(values);
    }
  }
  return out;
}
