// Turns request messages into the engine's plain model, refusing what Firestore refuses
// (INVALID_ARGUMENT) and naming what the stand-in does not support (UNIMPLEMENTED).
import type { Value } from "@firestore-emulator/proto/dist/google/firestore/v1/document";
import {
  StructuredQueryCompositeFilterOperator as CompositeOp,
  StructuredQueryDirection as Direction,
  StructuredQueryFieldFilterOperator as FieldOperator,
  StructuredQueryFindNearestDistanceMeasure as Measure,
  StructuredQueryUnaryFilterOperator as UnaryOperator,
  type Cursor,
  type StructuredAggregationQuery,
  type StructuredQuery,
  type StructuredQueryFilter,
} from "@firestore-emulator/proto/dist/google/firestore/v1/query";

import type { Aggregation } from "./aggregate";
import { normalizedOrder } from "./engine";
import { fieldRef } from "./fields";
import {
  QueryError,
  type Bound,
  type FieldOp,
  type Filter,
  type FindNearest,
  type Query,
  type UnaryOp,
} from "./types";
import { isVector, numberOf, vectorComponents, type Fields, type Val } from "./values";

const invalid = (message: string): QueryError => new QueryError("invalid", message);

/** A Value message as a plain object (Value.toObject() fills every oneof member with defaults). */
export function plainValue(v: Value): Val {
  if (v.has_null_value) return { null_value: 0 };
  if (v.has_boolean_value) return { boolean_value: v.boolean_value };
  if (v.has_integer_value) return { integer_value: v.integer_value };
  if (v.has_double_value) return { double_value: v.double_value };
  if (v.has_timestamp_value) {
    return {
      timestamp_value: { seconds: v.timestamp_value.seconds, nanos: v.timestamp_value.nanos },
    };
  }
  if (v.has_string_value) return { string_value: v.string_value };
  if (v.has_bytes_value) return { bytes_value: v.bytes_value };
  if (v.has_reference_value) return { reference_value: v.reference_value };
  if (v.has_geo_point_value) {
    const { latitude, longitude } = v.geo_point_value;
    return { geo_point_value: { latitude, longitude } };
  }
  if (v.has_array_value) return { array_value: { values: v.array_value.values.map(plainValue) } };
  if (v.has_map_value) return { map_value: { fields: plainFields(v.map_value.fields) } };
  throw invalid("A value has no type.");
}

export const plainFields = (fields: Map<string, Value>): Fields =>
  Object.fromEntries(Array.from(fields.entries()).map(([k, v]) => [k, plainValue(v)]));

const FIELD_OPS: Partial<Record<FieldOperator, FieldOp>> = {
  [FieldOperator.LESS_THAN]: "<",
  [FieldOperator.LESS_THAN_OR_EQUAL]: "<=",
  [FieldOperator.GREATER_THAN]: ">",
  [FieldOperator.GREATER_THAN_OR_EQUAL]: ">=",
  [FieldOperator.EQUAL]: "==",
  [FieldOperator.NOT_EQUAL]: "!=",
  [FieldOperator.ARRAY_CONTAINS]: "array-contains",
  [FieldOperator.ARRAY_CONTAINS_ANY]: "array-contains-any",
  [FieldOperator.IN]: "in",
  [FieldOperator.NOT_IN]: "not-in",
};

const UNARY_OPS: Partial<Record<UnaryOperator, UnaryOp>> = {
  [UnaryOperator.IS_NAN]: "is-nan",
  [UnaryOperator.IS_NULL]: "is-null",
  [UnaryOperator.IS_NOT_NAN]: "is-not-nan",
  [UnaryOperator.IS_NOT_NULL]: "is-not-null",
};

const LIST_OPS = new Set<FieldOp>(["in", "not-in", "array-contains-any"]);

/** `__name__` filters compare references; a name must lie in the queried database. */
function checkNameOperand(value: Val, op: FieldOp, database: string): void {
  const values = LIST_OPS.has(op) ? (value.array_value?.values ?? []) : [value];
  for (const v of values) {
    if (v.reference_value === undefined) {
      throw invalid(`A filter on __name__ needs document references, got ${JSON.stringify(v)}.`);
    }
    if (!v.reference_value.startsWith(`${database}/`)) {
      throw invalid(`Reference ${v.reference_value} is not in database ${database}.`);
    }
  }
}

function toFilter(f: StructuredQueryFilter, database: string): Filter {
  if (f.has_composite_filter) {
    const op = f.composite_filter.op;
    if (op !== CompositeOp.AND && op !== CompositeOp.OR) {
      throw invalid("A composite filter needs the operator AND or OR.");
    }
    const filters = f.composite_filter.filters.map((x) => toFilter(x, database));
    return { kind: "composite", op: op === CompositeOp.AND ? "and" : "or", filters };
  }
  if (f.has_field_filter) {
    const op = FIELD_OPS[f.field_filter.op];
    if (!op) throw invalid(`Unknown field filter operator ${f.field_filter.op}.`);
    if (!f.field_filter.has_value) throw invalid("A field filter needs a value.");
    const value = plainValue(f.field_filter.value);
    if (LIST_OPS.has(op) && value.array_value === undefined) {
      throw invalid(`The operator ${op} needs an array value.`);
    }
    const field = fieldRef(f.field_filter.field.field_path);
    if (field.path === "__name__") checkNameOperand(value, op, database);
    return { kind: "field", field, op, value };
  }
  if (f.has_unary_filter) {
    const op = UNARY_OPS[f.unary_filter.op];
    if (!op) throw invalid(`Unknown unary filter operator ${f.unary_filter.op}.`);
    return { kind: "unary", field: fieldRef(f.unary_filter.field.field_path), op };
  }
  throw invalid("A filter has no type.");
}

const toBound = (c: Cursor): Bound => ({ values: c.values.map(plainValue), before: c.before });

const MEASURES: Partial<Record<Measure, FindNearest["measure"]>> = {
  [Measure.EUCLIDEAN]: "euclidean",
  [Measure.COSINE]: "cosine",
  [Measure.DOT_PRODUCT]: "dot-product",
};

function toFindNearest(q: StructuredQuery): FindNearest {
  const fn = q.find_nearest;
  const measure = MEASURES[fn.distance_measure];
  if (!measure) throw invalid("findNearest needs a distance measure.");
  const vector = plainValue(fn.query_vector);
  if (!isVector(vector)) throw invalid("findNearest needs a vector as its query vector.");
  const queryVector = vectorComponents(vector).map((c) => numberOf(c) ?? Number.NaN);
  if (queryVector.length === 0 || queryVector.length > 2048) {
    throw invalid("findNearest needs a query vector of 1 to 2048 dimensions.");
  }
  const limit = fn.has_limit ? fn.limit.value : 0;
  if (limit <= 0 || limit > 1000) throw invalid("findNearest needs a limit between 1 and 1000.");
  if (q.has_start_at || q.has_end_at || q.offset > 0) {
    throw invalid("findNearest cannot be combined with cursors or an offset.");
  }
  return {
    field: fieldRef(fn.vector_field.field_path),
    queryVector,
    measure,
    limit,
    ...(fn.distance_result_field
      ? { distanceResultField: fieldRef(fn.distance_result_field) }
      : {}),
    ...(fn.has_distance_threshold ? { distanceThreshold: fn.distance_threshold.value } : {}),
  };
}

/** A cursor has at most one value per ordered field; a `__name__` value is a document reference. */
function checkCursors(q: Query): void {
  const orders = normalizedOrder(q);
  for (const bound of [q.startAt, q.endAt]) {
    if (!bound) continue;
    if (bound.values.length > orders.length) {
      throw invalid("Too many cursor values: a cursor has at most one value per ordered field.");
    }
    bound.values.forEach((v, i) => {
      if (orders[i]?.field.path === "__name__" && v.reference_value === undefined) {
        throw invalid("A cursor value for __name__ must be a document reference.");
      }
    });
  }
}

/** The database part of a parent: `projects/p/databases/d/documents`. */
export function databaseOf(parent: string): string {
  const m = /^projects\/[^/]+\/databases\/[^/]+\/documents/.exec(parent);
  if (!m) throw invalid(`Invalid parent: ${parent}`);
  return m[0];
}

export function toQuery(parent: string, q: StructuredQuery | undefined): Query {
  const database = databaseOf(parent);
  if (!q) throw invalid("The request has no structured query.");
  const segments = parent.slice(database.length).split("/").filter(Boolean);
  if (segments.length % 2 !== 0) throw invalid(`A query parent must be a document: ${parent}`);
  if (q.from.length !== 1) throw invalid("A query needs exactly one collection selector.");
  const from = q.from[0];
  if (!from) throw invalid("A query needs exactly one collection selector.");
  if (!from.all_descendants && !from.collection_id) {
    throw invalid("A query on a single collection needs a collection id.");
  }
  if (q.offset < 0) throw invalid("offset must not be negative.");
  const limit = q.has_limit ? q.limit.value : undefined;
  if (limit !== undefined && limit < 0) throw invalid("limit must not be negative.");
  const query: Query = {
    parent,
    collectionId: from.collection_id,
    allDescendants: from.all_descendants,
    orderBy: q.order_by.map((o) => {
      if (!o.field.field_path) throw invalid("An order needs a field.");
      return {
        field: fieldRef(o.field.field_path),
        descending: o.direction === Direction.DESCENDING,
      };
    }),
    offset: q.offset,
    ...(limit !== undefined ? { limit } : {}),
    ...(q.has_select ? { select: q.select.fields.map((f) => fieldRef(f.field_path)) } : {}),
    ...(q.has_where ? { where: toFilter(q.where, database) } : {}),
    ...(q.has_start_at ? { startAt: toBound(q.start_at) } : {}),
    ...(q.has_end_at ? { endAt: toBound(q.end_at) } : {}),
    ...(q.has_find_nearest ? { findNearest: toFindNearest(q) } : {}),
  };
  checkCursors(query);
  return query;
}

export function toAggregations(q: StructuredAggregationQuery | undefined): Aggregation[] {
  if (!q) throw invalid("The request has no structured aggregation query.");
  if (q.aggregations.length === 0) throw invalid("An aggregation query needs an aggregation.");
  if (q.aggregations.length > 5) throw invalid("The maximum number of aggregations is 5.");
  const aliases = new Set<string>();
  return q.aggregations.map((a, i): Aggregation => {
    const alias = a.alias || `field_${i + 1}`;
    if (aliases.has(alias)) throw invalid(`Duplicate aggregation alias ${alias}.`);
    aliases.add(alias);
    if (a.has_count) {
      const upTo = a.count.has_up_to ? a.count.up_to.value : undefined;
      if (upTo !== undefined && upTo <= 0) throw invalid("count up_to must be positive.");
      return upTo === undefined ? { alias, op: "count" } : { alias, op: "count", upTo };
    }
    if (a.has_sum) return { alias, op: "sum", field: fieldRef(a.sum.field.field_path) };
    if (a.has_avg) return { alias, op: "avg", field: fieldRef(a.avg.field.field_path) };
    throw new QueryError("unimplemented", "This aggregation type is not supported.");
  });
}
