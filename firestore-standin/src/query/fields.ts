// Reading and projecting document fields by path.
import { parseFieldPath } from "../fieldPath";
import type { Doc, FieldRef } from "./types";
import { NAME_FIELD } from "./types";
import type { Fields, Val } from "./values";

export function fieldRef(path: string): FieldRef {
  return { path, segments: path === NAME_FIELD ? [NAME_FIELD] : parseFieldPath(path) };
}

export function getIn(fields: Fields, segments: string[]): Val | undefined {
  let current: Fields | undefined = fields;
  let value: Val | undefined;
  for (const seg of segments) {
    if (!current) return undefined;
    value = current[seg];
    if (value === undefined) return undefined;
    current = value.map_value ? (value.map_value.fields ?? {}) : undefined;
  }
  return value;
}

/** The value a filter or order sees: `__name__` is the document's reference. */
export function fieldValue(doc: Doc, field: FieldRef): Val | undefined {
  if (field.path === NAME_FIELD) return { reference_value: doc.name };
  return getIn(doc.fields, field.segments);
}

function setIn(fields: Fields, segments: string[], value: Val): Fields {
  const [head, ...rest] = segments;
  if (head === undefined) return fields;
  if (rest.length === 0) return { ...fields, [head]: value };
  const inner = fields[head]?.map_value?.fields ?? {};
  return { ...fields, [head]: { map_value: { fields: setIn(inner, rest, value) } } };
}

/** Keeps only the named fields (select()); `__name__` alone keeps none. */
export function project(fields: Fields, paths: FieldRef[]): Fields {
  let out: Fields = {};
  for (const p of paths) {
    if (p.path === NAME_FIELD) continue;
    const value = getIn(fields, p.segments);
    if (value !== undefined) out = setIn(out, p.segments, value);
  }
  return out;
}

export { setIn };
