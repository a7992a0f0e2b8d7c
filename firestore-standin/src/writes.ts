// Applies the writes of one commit all-or-nothing: every precondition, mask and transform
// is evaluated on a staged copy first (stageWrites); the store changes only if all of them
// succeed, in one step (DocumentStore.apply).
import {
  DocumentTransformFieldTransformServerValue,
  WriteResult,
  type Write,
} from "@firestore-emulator/proto/dist/google/firestore/v1/write";
import { status } from "@grpc/grpc-js";

import { GrpcError } from "./errors";
import { parseFieldPath } from "./fieldPath";
import { plainFields, plainValue } from "./query/fromProto";
import type { Doc } from "./query/types";
import {
  compareValues,
  integerValue,
  NULL,
  numberOf,
  typeOrder,
  type Fields,
  type Val,
} from "./query/values";
import type { DocChange, DocumentStore } from "./store";

export { plainValue };

/** A commit time (ms) as a protobuf Timestamp object. */
export function timestampOf(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/** A protobuf Timestamp as milliseconds (sub-millisecond parts are dropped). */
export function millisOf(ts: { seconds: number; nanos: number }): number {
  return Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
}

interface Staged {
  /** The document as the commit has left it so far (null: missing or deleted). */
  doc: Doc | null;
  touched: boolean;
}

export const writePath = (write: Write): string =>
  write.has_delete ? write.delete : write.update.name;

/** A validated commit, ready to publish: the new documents and each write's result. */
export interface StagedCommit {
  time: number;
  changes: DocChange[];
  results: WriteResult[];
  /**
   * The first precondition that failed. It is reported only after the security rules allowed
   * the commit, as Firestore does: otherwise a refused client would learn whether a document
   * exists (NOT_FOUND / ALREADY_EXISTS instead of PERMISSION_DENIED).
   */
  preconditionFailure?: GrpcError;
}

/** Evaluates every write against the documents as earlier writes of the same commit left them. */
export function stageWrites(store: DocumentStore, time: number, writes: Write[]): StagedCommit {
  const staged = new Map<string, Staged>();
  const results: WriteResult[] = [];
  const updateTime = timestampOf(time);
  let preconditionFailure: GrpcError | undefined;
  for (const write of writes) {
    if (!write.has_delete && !write.has_update) {
      throw new GrpcError(status.INVALID_ARGUMENT, "A write must be an update or a delete.");
    }
    const path = writePath(write);
    checkDocumentName(path);
    let s = staged.get(path);
    if (!s) {
      s = { doc: store.get(path), touched: false };
      staged.set(path, s);
    }
    try {
      checkPrecondition(write, s.doc, path);
    } catch (error) {
      if (!(error instanceof GrpcError)) throw error;
      preconditionFailure ??= error; // the rules see the commit as if it had gone through
    }
    s.touched = true;
    if (write.has_delete) {
      s.doc = null;
      // Firestore gives deletes no update time (the SDKs fall back to the commit time).
      results.push(WriteResult.fromObject({}));
      continue;
    }
    const given = plainFields(write.update.fields);
    const base = s.doc?.fields ?? {};
    let fields = write.has_update_mask
      ? applyMask(base, given, write.update_mask.field_paths)
      : given;
    const transformResults: Val[] = [];
    for (const t of write.update_transforms) {
      const segs = parseFieldPath(t.field_path);
      const { value, result } = transform(t, getPath(fields, segs), time);
      fields = setPath(fields, segs, value);
      transformResults.push(result);
    }
    s.doc = { name: path, fields, createTime: s.doc?.createTime ?? time, updateTime: time };
    results.push(
      WriteResult.fromObject({ update_time: updateTime, transform_results: transformResults }),
    );
  }
  const changes = [...staged.entries()]
    .filter(([, s]) => s.touched)
    .map(([name, s]) => ({ name, doc: s.doc }));
  return { time, changes, results, ...(preconditionFailure ? { preconditionFailure } : {}) };
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

/** Stages the writes, then publishes them all at once (listeners hear of them after). */
export function applyWrites(
  store: DocumentStore,
  time: number,
  writes: Write[],
  authorize?: WriteAuthorizer,
): WriteResult[] {
  const commit = stageWrites(store, time, writes);
  authorize?.(
    commit.changes.map(({ name, doc }) => {
      const old = store.get(name);
      return {
        name,
        existed: old !== null,
        exists: doc !== null,
        before: old?.fields ?? {},
        after: doc?.fields ?? {},
      };
    }),
    new Date(time),
  );
  if (commit.preconditionFailure) throw commit.preconditionFailure;
  store.apply(commit.time, commit.changes);
  return commit.results;
}

const DOCUMENT_NAME = /^projects\/[^/]+\/databases\/[^/]+\/documents((\/[^/]+){2})+$/;

/** A writable document name: collection/id pairs, none reserved (`__…__`, save numeric `__id7__`). */
function checkDocumentName(path: string): void {
  if (!DOCUMENT_NAME.test(path)) {
    throw new GrpcError(status.INVALID_ARGUMENT, `Invalid document name: ${path}`);
  }
  const segments = path.split("/").slice(5);
  const reserved = segments.find((s) => /^__.*__$/.test(s) && !/^__id-?\d+__$/.test(s));
  if (reserved !== undefined) {
    throw new GrpcError(
      status.INVALID_ARGUMENT,
      `Resource id "${reserved}" is invalid because it is reserved: ${path}`,
    );
  }
}

/** Preconditions see the document as the earlier writes of this commit left it. */
function checkPrecondition(write: Write, doc: Doc | null, path: string): void {
  if (!write.has_current_document) return;
  const pre = write.current_document;
  if (pre.has_exists) {
    if (pre.exists && !doc) {
      throw new GrpcError(status.NOT_FOUND, `no entity to update: ${path}`);
    }
    if (!pre.exists && doc) {
      throw new GrpcError(status.ALREADY_EXISTS, `entity already exists: ${path}`);
    }
  }
  if (pre.has_update_time) {
    const want = pre.update_time;
    const current = doc ? timestampOf(doc.updateTime) : null;
    if (!current || current.seconds !== Number(want.seconds) || current.nanos !== want.nanos) {
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

/** Equality for array transforms: the total order's, so 1 and 1.0 match and NaN matches NaN. */
const sameValue = (a: Val, b: Val): boolean =>
  typeOrder(a) === typeOrder(b) && compareValues(a, b) === 0;

function transform(
  t: Write["update_transforms"][number],
  current: Val | undefined,
  time: number,
): { value: Val; result: Val } {
  if (t.has_set_to_server_value) {
    if (t.set_to_server_value !== DocumentTransformFieldTransformServerValue.REQUEST_TIME) {
      throw new GrpcError(status.INVALID_ARGUMENT, "Unknown server value.");
    }
    const value: Val = { timestamp_value: timestampOf(time) };
    return { value, result: value };
  }
  if (t.has_increment || t.has_maximum || t.has_minimum) {
    const operand = plainValue(
      t.has_increment ? t.increment : t.has_maximum ? t.maximum : t.minimum,
    );
    const b = numberOf(operand);
    if (b === undefined) {
      throw new GrpcError(status.INVALID_ARGUMENT, "Numeric transforms need a number operand.");
    }
    const a = current === undefined ? undefined : numberOf(current);
    // A missing or non-numeric field is set to the operand (Firestore's documented rule).
    if (a === undefined || current === undefined) return { value: operand, result: operand };
    let value: Val;
    if (t.has_increment) {
      const bothInts = current.integer_value !== undefined && operand.integer_value !== undefined;
      value = bothInts
        ? integerValue(BigInt(current.integer_value ?? 0) + BigInt(operand.integer_value ?? 0))
        : { double_value: a + b };
    } else {
      const c = compareValues(operand, current);
      value = (t.has_maximum ? c > 0 : c < 0) ? operand : current;
    }
    return { value, result: value };
  }
  if (t.has_append_missing_elements || t.has_remove_all_from_array) {
    const elements = (
      t.has_append_missing_elements ? t.append_missing_elements : t.remove_all_from_array
    ).values.map(plainValue);
    const existing = current?.array_value ? (current.array_value.values ?? []) : [];
    const out = t.has_append_missing_elements
      ? elements.reduce(
          (acc, e) => (acc.some((x) => sameValue(x, e)) ? acc : [...acc, e]),
          existing,
        )
      : existing.filter((x) => !elements.some((e) => sameValue(e, x)));
    return { value: { array_value: { values: out } }, result: NULL };
  }
  throw new GrpcError(status.INVALID_ARGUMENT, "Unknown field transform.");
}
