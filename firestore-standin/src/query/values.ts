// Firestore's total order of values and its equality, as the server and the SDKs define them:
// null < booleans < numbers (NaN first; integers and doubles mixed) < timestamps < strings
// (UTF-8 byte order) < bytes < references < geo points < arrays < vectors < maps.
import type { Value } from "@firestore-emulator/proto/dist/google/firestore/v1/document";

/** A v1 Value as a plain object: exactly one member is set. */
export type Val = ReturnType<Value["toObject"]>;
export type Fields = Record<string, Val>;

export const NULL: Val = { null_value: 0 };

export enum TypeOrder {
  Null,
  Boolean,
  Number,
  Timestamp,
  String,
  Bytes,
  Reference,
  GeoPoint,
  Array,
  Vector,
  Map,
}

/** A map `{__type__: "__vector__", value: [...]}` is a vector (FieldValue.vector()). */
export function isVector(v: Val): boolean {
  return v.map_value?.fields?.["__type__"]?.string_value === "__vector__";
}

export function typeOrder(v: Val): TypeOrder {
  if (v.null_value !== undefined) return TypeOrder.Null;
  if (v.boolean_value !== undefined) return TypeOrder.Boolean;
  if (v.integer_value !== undefined || v.double_value !== undefined) return TypeOrder.Number;
  if (v.timestamp_value !== undefined) return TypeOrder.Timestamp;
  if (v.string_value !== undefined) return TypeOrder.String;
  if (v.bytes_value !== undefined) return TypeOrder.Bytes;
  if (v.reference_value !== undefined) return TypeOrder.Reference;
  if (v.geo_point_value !== undefined) return TypeOrder.GeoPoint;
  if (v.array_value !== undefined) return TypeOrder.Array;
  if (v.map_value !== undefined) return isVector(v) ? TypeOrder.Vector : TypeOrder.Map;
  throw new TypeError("A value has no type.");
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const primitive = <T extends string | number | boolean | bigint>(a: T, b: T): number =>
  a < b ? -1 : a > b ? 1 : 0;

/**
 * An integer value, exact over the whole int64 range: the message classes type int64 as a
 * number but read and write values beyond 2^53 as decimal strings, so those travel as strings.
 */
export function integerValue(n: bigint): Val {
  const asNumber = Number(n);
  return {
    integer_value: Number.isSafeInteger(asNumber) ? asNumber : (n.toString() as unknown as number),
  };
}

export function numberOf(v: Val): number | undefined {
  if (v.integer_value !== undefined) return Number(v.integer_value);
  if (v.double_value !== undefined) return v.double_value;
  return undefined;
}

export const isNaNValue = (v: Val): boolean =>
  v.double_value !== undefined && Number.isNaN(v.double_value);

/** Numbers compare by value; NaN sorts before every other number and equals itself. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  return 1;
}

const isSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdfff;

/** Strings compare as their UTF-8 bytes do (the server's order), not as UTF-16 code units. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (isSurrogate(x) === isSurrogate(y)) return x < y ? -1 : 1;
      return isSurrogate(x) ? 1 : -1;
    }
  }
  return primitive(a.length, b.length);
}

/** Document ids of the form `__id123__` are numeric ids: they sort first, by number. */
function numericId(segment: string): bigint | null {
  const m = /^__id(-?\d+)__$/.exec(segment);
  return m?.[1] !== undefined ? BigInt(m[1]) : null;
}

export function compareSegments(a: string, b: string): number {
  const na = numericId(a);
  const nb = numericId(b);
  if (na !== null && nb !== null) return primitive(na, nb);
  if (na !== null) return -1;
  if (nb !== null) return 1;
  return compareUtf8(a, b);
}

/** Resource names compare segment by segment. */
export function comparePaths(a: string, b: string): number {
  const sa = a.split("/");
  const sb = b.split("/");
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegments(sa[i] ?? "", sb[i] ?? "");
    if (c !== 0) return c;
  }
  return primitive(sa.length, sb.length);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return sign(d);
  }
  return primitive(a.length, b.length);
}

function compareArrays(a: Val[], b: Val[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] ?? NULL, b[i] ?? NULL);
    if (c !== 0) return c;
  }
  return primitive(a.length, b.length);
}

function compareMaps(a: Fields, b: Fields): number {
  const ka = Object.keys(a).sort(compareUtf8);
  const kb = Object.keys(b).sort(compareUtf8);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const x = ka[i] ?? "";
    const y = kb[i] ?? "";
    const c = compareUtf8(x, y) || compareValues(a[x] ?? NULL, b[y] ?? NULL);
    if (c !== 0) return c;
  }
  return primitive(ka.length, kb.length);
}

export const vectorComponents = (v: Val): Val[] =>
  v.map_value?.fields?.["value"]?.array_value?.values ?? [];

/** The total order of Firestore values (negative, 0, positive). */
export function compareValues(a: Val, b: Val): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return primitive(ta, tb);
  switch (ta) {
    case TypeOrder.Null:
      return 0;
    case TypeOrder.Boolean:
      return primitive(Boolean(a.boolean_value), Boolean(b.boolean_value));
    case TypeOrder.Number:
      if (a.integer_value !== undefined && b.integer_value !== undefined) {
        return primitive(BigInt(a.integer_value), BigInt(b.integer_value));
      }
      return compareNumbers(numberOf(a) ?? 0, numberOf(b) ?? 0);
    case TypeOrder.Timestamp:
      return (
        primitive(
          Number(a.timestamp_value?.seconds ?? 0),
          Number(b.timestamp_value?.seconds ?? 0),
        ) || primitive(a.timestamp_value?.nanos ?? 0, b.timestamp_value?.nanos ?? 0)
      );
    case TypeOrder.String:
      return compareUtf8(a.string_value ?? "", b.string_value ?? "");
    case TypeOrder.Bytes:
      return compareBytes(a.bytes_value ?? new Uint8Array(), b.bytes_value ?? new Uint8Array());
    case TypeOrder.Reference:
      return comparePaths(a.reference_value ?? "", b.reference_value ?? "");
    case TypeOrder.GeoPoint:
      return (
        primitive(a.geo_point_value?.latitude ?? 0, b.geo_point_value?.latitude ?? 0) ||
        primitive(a.geo_point_value?.longitude ?? 0, b.geo_point_value?.longitude ?? 0)
      );
    case TypeOrder.Array:
      return compareArrays(a.array_value?.values ?? [], b.array_value?.values ?? []);
    case TypeOrder.Vector: {
      const va = vectorComponents(a);
      const vb = vectorComponents(b);
      return primitive(va.length, vb.length) || compareArrays(va, vb);
    }
    case TypeOrder.Map:
      return compareMaps(a.map_value?.fields ?? {}, b.map_value?.fields ?? {});
  }
}

/**
 * Equality as `==`, `in` and `array-contains` use it: same type order and equal in the total
 * order (so 1 == 1.0), except that NaN equals nothing.
 */
export function valuesEqual(a: Val, b: Val): boolean {
  if (isNaNValue(a) || isNaNValue(b)) return false;
  return typeOrder(a) === typeOrder(b) && compareValues(a, b) === 0;
}
