// Applies the writes of one commit all-or-nothing: every precondition, mask and transform
// is evaluated on a staged copy first; the store changes only if all of them succeed.
import type { Value } from "@firestore-emulator/proto/dist/google/firestore/v1/document";
import {
  DocumentTransformFieldTransformServerValue,
  Write,
  WriteResult,
} from "@firestore-emulator/proto/dist/google/firestore/v1/write";
import {
  FirestoreState,
  TimestampFromDate,
  type FirestoreStateDocument,
} from "@firestore-emulator/server";
import { status } from "@grpc/grpc-js";

import { GrpcError } from "./errors";
import { parseFieldPath } from "./fieldPath";

// Staged values are plain v1 Value objects. The store's field classes are not exported (and
// each dist bundle has its own copy, so instanceof would not match); values go back into the
// store through its own conversion, see toStoreFields.
type Val = ReturnType<Value["toObject"]>;
type Fields = Record<string, Val>;
type StoreFields = Record<string, unknown>;

// The raw store keeps fields private and merges instead of replacing on set(); we read and
// replace them directly so set() replaces, masks delete what they name, and nested paths work.
const readStoreFields = (doc: FirestoreStateDocument): Record<string, { toV1ValueObject(): Val }> =>
  Reflect.get(doc, "fields") as Record<string, { toV1ValueObject(): Val }>;
const writeStoreFields = (doc: FirestoreStateDocument, fields: StoreFields): void => {
  Reflect.set(doc, "fields", fields);
};

/** A Value message as a plain object; Value.toObject() fills every oneof member with defaults. */
export function plainValue(v: Value): Val {
  if (v.has_null_value) return { null_value: 0 };
  if (v.has_boolean_value) return { boolean_value: v.boolean_value };
  if (v.has_integer_value) return { integer_value: v.integer_value };
  if (v.has_double_value) return { double_value: v.double_value };
  if (v.has_timestamp_value) {
    return { timestamp_value: { seconds: v.timestamp_value.seconds, nanos: v.timestamp_value.nanos } };
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
  throw new GrpcError(status.INVALID_ARGUMENT, "A value has no type.");
}
const plainFields = (fields: Map<string, Value>): Fields =>
  Object.fromEntries(Array.from(fields.entries()).map(([k, v]) => [k, plainValue(v)]));

export const readFields = (doc: FirestoreStateDocument): Fields =>
  Object.fromEntries(
    Object.entries(readStoreFields(doc)).map(([k, f]) => [k, f.toV1ValueObject()]),
  );

/** Converts values with the store's own code (a scratch store of the same bundle). */
class StoreConverter {
  private scratch = new FirestoreState();
  private n = 0;
  convert(fields: Fields, date: Date): StoreFields {
    if (++this.n > 10_000) {
      this.scratch = new FirestoreState();
      this.n = 1;
    }
    const name = `projects/scratch/databases/scratch/documents/c/${this.n}`;
    this.scratch.writeV1Document(date, Write.fromObject({ update: { name, fields } }));
    return Reflect.get(this.scratch.getDocument(name), "fields") as StoreFields;
  }
}
const converter = new StoreConverter();

interface Staged {
  doc: FirestoreStateDocument;
  existed: boolean;
  exists: boolean;
  fields: Fields;
  createdAt: Date | null;
  touched: boolean;
}

export const writePath = (write: Write): string =>
  write.has_delete ? write.delete : write.update.name;

/** Commit timestamps strictly increase, so listeners can tell consecutive versions apart. */
export class CommitClock {
  private last = 0;
  next(): Date {
    this.last = Math.max(Date.now(), this.last + 1);
    return new Date(this.last);
  }
}

/** One document of a commit, staged: as stored before the commit and as it would be after it. */
export interface StagedWrite {
  name: string;
  existed: boolean;
  exists: boolean;
  before: Fields;
  after: Fields;
}
/** Called once all writes are staged, before any is applied; throws to refuse the commit. */
export type WriteAuthorizer = (writes: StagedWrite[], commitTime: Date) => void;

export function applyWrites(
  state: FirestoreState,
  date: Date,
  writes: Write[],
  authorize?: WriteAuthorizer,
): WriteResult[] {
  const staged = new Map<string, Staged>();
  const results: WriteResult[] = [];
  const updateTime = TimestampFromDate(date).toObject();
  for (const write of writes) {
    if (!write.has_delete && !write.has_update) {
      throw new GrpcError(status.INVALID_ARGUMENT, "A write must be an update or a delete.");
    }
    const path = writePath(write);
    let s = staged.get(path);
    if (!s) {
      const doc = state.getDocument(path);
      const existed = doc.metadata.hasExist;
      const createdAt = doc.metadata.createdAt;
      s = { doc, existed, exists: existed, fields: readFields(doc), createdAt, touched: false };
      staged.set(path, s);
    }
    checkPrecondition(write, s, path);
    s.touched = true;
    if (write.has_delete) {
      s.exists = false;
      s.fields = {};
      s.createdAt = null;
      results.push(WriteResult.fromObject({ update_time: updateTime }));
      continue;
    }
    const given = plainFields(write.update.fields);
    const base = s.exists ? s.fields : {};
    s.fields = write.has_update_mask ? applyMask(base, given, write.update_mask.field_paths) : given;
    if (!s.exists) {
      s.exists = true;
      s.createdAt = date;
    }
    const transformResults: Val[] = [];
    for (const t of write.update_transforms) {
      const segs = parseFieldPath(t.field_path);
      const { value, result } = transform(t, getPath(s.fields, segs), date);
      s.fields = setPath(s.fields, segs, value);
      transformResults.push(result);
    }
    results.push(
      WriteResult.fromObject({ update_time: updateTime, transform_results: transformResults }),
    );
  }

  const touched = [...staged.values()].filter((s) => s.touched);
  authorize?.(
    [...staged.entries()]
      .filter(([, s]) => s.touched)
      .map(([name, s]) => ({
        name,
        existed: s.existed,
        exists: s.exists,
        before: readFields(s.doc),
        after: s.fields,
      })),
    date,
  );
  // Everything validated and converted: publish all at once, then notify listeners.
  const converted = touched.map((s) => converter.convert(s.fields, date));
  const events: Array<() => void> = [];
  touched.forEach((s, i) => {
    const { doc } = s;
    doc.metadata = s.exists
      ? { hasExist: true, createdAt: s.createdAt ?? date, updatedAt: date }
      : { hasExist: false, createdAt: null, updatedAt: null };
    writeStoreFields(doc, converted[i] ?? {});
    if (s.exists) {
      const kind = s.existed ? "update-document" : "create-document";
      events.push(() => state.emitter.emit(kind, { document: doc }));
    } else if (s.existed) {
      events.push(() => state.emitter.emit("delete-document", { document: doc }));
    }
  });
  for (const emit of events) emit();
  return results;
}

function checkPrecondition(write: Write, s: Staged, path: string): void {
  if (!write.has_current_document) return;
  const pre = write.current_document;
  if (pre.has_exists) {
    if (pre.exists && !s.exists) {
      throw new GrpcError(status.NOT_FOUND, `no entity to update: ${path}`);
    }
    if (!pre.exists && s.exists) {
      throw new GrpcError(status.ALREADY_EXISTS, `entity already exists: ${path}`);
    }
  }
  if (pre.has_update_time) {
    const current = s.exists ? s.doc.metadata.updatedAt : null;
    const ts = current ? TimestampFromDate(current) : null;
    const want = pre.update_time;
    if (!ts || Number(ts.seconds) !== Number(want.seconds) || ts.nanos !== want.nanos) {
      throw new GrpcError(
        status.FAILED_PRECONDITION,
        `the stored version does not match the required base version: ${path}`,
      );
    }
  }
}

const mapFields = (v: Val | undefined): Fields | undefined =>
  v?.map_value ? (v.map_value.fields ?? {}) : undefined;

function getPath(fields: Fields, segs: string[]): Val | undefined {
  const [head, ...rest] = segs;
  if (head === undefined) return undefined;
  const value = fields[head];
  if (rest.length === 0 || value === undefined) return value;
  const inner = mapFields(value);
  return inner ? getPath(inner, rest) : undefined;
}

function setPath(fields: Fields, segs: string[], value: Val): Fields {
  const [head, ...rest] = segs;
  if (head === undefined) return fields;
  if (rest.length === 0) return { ...fields, [head]: value };
  const inner = mapFields(fields[head]) ?? {};
  return { ...fields, [head]: { map_value: { fields: setPath(inner, rest, value) } } };
}

function deletePath(fields: Fields, segs: string[]): Fields {
  const [head, ...rest] = segs;
  if (head === undefined || !(head in fields)) return fields;
  if (rest.length === 0) {
    const out = { ...fields };
    delete out[head];
    return out;
  }
  const inner = mapFields(fields[head]);
  if (!inner) return fields;
  return { ...fields, [head]: { map_value: { fields: deletePath(inner, rest) } } };
}

/** update()/set(merge): each masked path takes the given value, or is deleted if absent. */
function applyMask(current: Fields, given: Fields, mask: string[]): Fields {
  let out = current;
  for (const path of mask) {
    const segs = parseFieldPath(path);
    const value = getPath(given, segs);
    out = value === undefined ? deletePath(out, segs) : setPath(out, segs, value);
  }
  return out;
}

const numberOf = (v: Val | undefined): number | undefined =>
  v?.integer_value !== undefined
    ? Number(v.integer_value)
    : v?.double_value !== undefined
      ? v.double_value
      : undefined;

/** Firestore equality for array transforms: numbers by value, everything else structurally. */
function sameValue(a: Val, b: Val): boolean {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined || nb !== undefined) return na === nb;
  return canonical(a) === canonical(b);
}
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

const NULL_VALUE: Val = { null_value: 0 };

function transform(
  t: Write["update_transforms"][number],
  current: Val | undefined,
  date: Date,
): { value: Val; result: Val } {
  if (t.has_set_to_server_value) {
    if (t.set_to_server_value !== DocumentTransformFieldTransformServerValue.REQUEST_TIME) {
      throw new GrpcError(status.INVALID_ARGUMENT, "Unknown server value.");
    }
    const value: Val = { timestamp_value: TimestampFromDate(date).toObject() };
    return { value, result: value };
  }
  if (t.has_increment || t.has_maximum || t.has_minimum) {
    const operand = plainValue(t.has_increment ? t.increment : t.has_maximum ? t.maximum : t.minimum);
    const b = numberOf(operand);
    if (b === undefined) {
      throw new GrpcError(status.INVALID_ARGUMENT, "Numeric transforms need a number operand.");
    }
    const a = numberOf(current);
    // A missing or non-numeric field is set to the operand (Firestore's documented rule).
    if (a === undefined || current === undefined) return { value: operand, result: operand };
    let value: Val;
    if (t.has_increment) {
      const bothInts = current.integer_value !== undefined && operand.integer_value !== undefined;
      value = bothInts ? { integer_value: a + b } : { double_value: a + b };
    } else {
      const takeOperand = t.has_maximum ? b > a : b < a;
      value = takeOperand ? operand : current;
    }
    return { value, result: value };
  }
  if (t.has_append_missing_elements || t.has_remove_all_from_array) {
    const elements = (
      t.has_append_missing_elements ? t.append_missing_elements : t.remove_all_from_array
    ).values.map(plainValue);
    const existing = current?.array_value ? (current.array_value.values ?? []) : [];
    const out = t.has_append_missing_elements
      ? elements.reduce((acc, e) => (acc.some((x) => sameValue(x, e)) ? acc : [...acc, e]), existing)
      : existing.filter((x) => !elements.some((e) => sameValue(e, x)));
    return { value: { array_value: { values: out } }, result: NULL_VALUE };
  }
  throw new GrpcError(status.INVALID_ARGUMENT, "Unknown field transform.");
}
