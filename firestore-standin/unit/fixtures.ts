// Small builders for the pure-module tests: values, documents and queries in the engine's model.
import { fieldRef } from "../src/query/fields";
import type { Doc, FieldOp, Filter, Order, Query } from "../src/query/types";
import type { Fields, Val } from "../src/query/values";

export const DB = "projects/p/databases/(default)/documents";

export const int = (n: number): Val => ({ integer_value: n });
export const dbl = (n: number): Val => ({ double_value: n });
export const str = (s: string): Val => ({ string_value: s });
export const bool = (b: boolean): Val => ({ boolean_value: b });
export const nul: Val = { null_value: 0 };
export const ref = (path: string): Val => ({ reference_value: `${DB}/${path}` });
export const arr = (...values: Val[]): Val => ({ array_value: { values } });
export const map = (fields: Fields): Val => ({ map_value: { fields } });
export const vec = (...xs: number[]): Val =>
  map({ __type__: str("__vector__"), value: arr(...xs.map(dbl)) });

let clock = 1;
export function doc(path: string, fields: Fields = {}): Doc {
  const t = clock++;
  return { name: `${DB}/${path}`, fields, createTime: t, updateTime: t };
}

export const ids = (docs: Doc[]): string[] => docs.map((d) => d.name.slice(DB.length + 1));

export function query(collectionId: string, q: Partial<Query> = {}): Query {
  return { parent: DB, collectionId, allDescendants: false, orderBy: [], offset: 0, ...q };
}

export const asc = (path: string): Order => ({ field: fieldRef(path), descending: false });
export const desc = (path: string): Order => ({ field: fieldRef(path), descending: true });
export const where = (path: string, op: FieldOp, value: Val): Filter => ({
  kind: "field",
  field: fieldRef(path),
  op,
  value,
});
