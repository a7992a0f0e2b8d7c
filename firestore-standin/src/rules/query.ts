// What the rules may assume about every document a query can return ("rules are not
// filters"): equality and `in` filters on fields become known values of resource.data;
// every other field stays unknown, so a condition that depends on it cannot be proven true.
import type { Value } from "@firestore-emulator/proto/dist/google/firestore/v1/document";
import {
  StructuredQueryCompositeFilterOperator,
  StructuredQueryDirection,
  StructuredQueryFieldFilterOperator,
  StructuredQueryUnaryFilterOperator,
  type StructuredQuery,
  type StructuredQueryFilter,
} from "@firestore-emulator/proto/dist/google/firestore/v1/query";

import { parseFieldPath } from "../fieldPath";
import { plainValue } from "../writes";
import { ANY_ID, ANY_SEGMENTS, type Segment } from "./ruleset";
import { fromFirestore, int, map, NULL, rulesPathOf, str, UNKNOWN, type V } from "./values";

type Known = Array<{ field: string[]; values: V[] }>;

/** Most `in` combinations checked one by one; beyond this the fields count as unknown. */
const MAX_ALTERNATIVES = 30;

export interface QueryAccess {
  path: Segment[];
  /** One `resource` per combination of `in` values; every one must be allowed. */
  resources: V[];
  query: V;
}

export function queryAccess(parent: string, query: StructuredQuery): QueryAccess {
  const from = query.from[0];
  const path: Segment[] = [
    ...rulesPathOf(parent),
    ...(from?.all_descendants ? [ANY_SEGMENTS as Segment] : []),
    from?.collection_id ?? "",
    ANY_ID,
  ];
  const known: Known = [];
  if (query.has_where) collect(query.where, known);
  return { path, resources: alternatives(known).map(resourceOf), query: requestQuery(query) };
}

function collect(filter: StructuredQueryFilter, known: Known): void {
  if (filter.has_composite_filter) {
    // An OR's branches each hold for only some results: nothing is known from them.
    if (filter.composite_filter.op !== StructuredQueryCompositeFilterOperator.AND) return;
    for (const f of filter.composite_filter.filters) collect(f, known);
  } else if (filter.has_field_filter) {
    const { field, op, value } = filter.field_filter;
    const segs = parseFieldPath(field.field_path);
    if (segs[0] === "__name__") return;
    if (op === StructuredQueryFieldFilterOperator.EQUAL)
      known.push({ field: segs, values: [convert(value)] });
    if (op === StructuredQueryFieldFilterOperator.IN) {
      known.push({ field: segs, values: value.array_value.values.map(convert) });
    }
  } else if (filter.has_unary_filter) {
    const u = filter.unary_filter;
    if (u.op === StructuredQueryUnaryFilterOperator.IS_NULL) {
      known.push({ field: parseFieldPath(u.field.field_path), values: [NULL] });
    }
  }
}

const convert = (v: Value): V => fromFirestore(plainValue(v));

/** Every combination of the known values (an `in` filter has several). */
function alternatives(known: Known): Array<Array<{ field: string[]; value: V }>> {
  let out: Array<Array<{ field: string[]; value: V }>> = [[]];
  for (const k of known) {
    if (out.length * k.values.length > MAX_ALTERNATIVES) continue;
    out = out.flatMap((alt) => k.values.map((value) => [...alt, { field: k.field, value }]));
  }
  return out;
}

function resourceOf(facts: Array<{ field: string[]; value: V }>): V {
  const data: V = { t: "partial", v: new Map() };
  for (const { field, value } of facts) {
    let cur = data;
    field.forEach((seg, i) => {
      if (i === field.length - 1) {
        cur.v.set(seg, value);
        return;
      }
      const next = cur.v.get(seg);
      if (next?.t === "partial") {
        cur = next;
      } else {
        const fresh: { t: "partial"; v: Map<string, V> } = { t: "partial", v: new Map() };
        cur.v.set(seg, fresh);
        cur = fresh;
      }
    });
  }
  return map({ data, id: UNKNOWN, __name__: UNKNOWN });
}

/** request.query: limit (null when absent), offset, orderBy as {field: "ASC" | "DESC"}. */
function requestQuery(query: StructuredQuery): V {
  const orderBy = new Map<string, V>(
    query.order_by.map((o) => [
      o.field.field_path,
      str(o.direction === StructuredQueryDirection.DESCENDING ? "DESC" : "ASC"),
    ]),
  );
  return map({
    limit: query.has_limit ? int(query.limit.value) : NULL,
    offset: int(query.offset),
    orderBy: { t: "map", v: orderBy },
  });
}
