// The query model the engine evaluates: a plain, validated form of a StructuredQuery.
import type { Fields, Val } from "./values";

/** A stored document; times are commit times in milliseconds since the epoch. */
export interface Doc {
  name: string;
  fields: Fields;
  createTime: number;
  updateTime: number;
}

/** A field path; `__name__` (the document's name) is `["__name__"]`. */
export interface FieldRef {
  path: string;
  segments: string[];
}

export type FieldOp =
  "<" | "<=" | ">" | ">=" | "==" | "!=" | "array-contains" | "array-contains-any" | "in" | "not-in";
export type UnaryOp = "is-nan" | "is-null" | "is-not-nan" | "is-not-null";

export type Filter =
  | { kind: "field"; field: FieldRef; op: FieldOp; value: Val }
  | { kind: "unary"; field: FieldRef; op: UnaryOp }
  | { kind: "composite"; op: "and" | "or"; filters: Filter[] };

export interface Order {
  field: FieldRef;
  descending: boolean;
}

/** A cursor: values in the order of the normalized order; `before` = the position just before them. */
export interface Bound {
  values: Val[];
  before: boolean;
}

export type DistanceMeasure = "euclidean" | "cosine" | "dot-product";

export interface FindNearest {
  field: FieldRef;
  queryVector: number[];
  measure: DistanceMeasure;
  limit: number;
  distanceResultField?: FieldRef;
  distanceThreshold?: number;
}

export interface Query {
  /** Full resource name the collection (or group) hangs under: `projects/p/databases/d/documents[/…]`. */
  parent: string;
  /** Empty with allDescendants: every document under parent (a kindless query). */
  collectionId: string;
  allDescendants: boolean;
  select?: FieldRef[];
  where?: Filter;
  orderBy: Order[];
  startAt?: Bound;
  endAt?: Bound;
  offset: number;
  limit?: number;
  findNearest?: FindNearest;
}

/** A request the engine refuses: INVALID_ARGUMENT (bad request) or UNIMPLEMENTED (not supported). */
export class QueryError extends Error {
  constructor(
    readonly kind: "invalid" | "unimplemented",
    message: string,
  ) {
    super(message);
  }
}

export const NAME_FIELD = "__name__";
