// Runs a query over a set of documents: scope (collection, group or kindless), filter,
// Firestore's normalized order, cursors, offset, limit, projection, nearest-neighbour search.
import { fieldRef, fieldValue, project } from "./fields";
import { inequalityFields, matches } from "./filter";
import { nearest } from "./vector";
import { NAME_FIELD, type Bound, type Doc, type Order, type Query } from "./types";
import { compareSegments, compareValues } from "./values";

/** The collection id a document belongs to and the path its collection hangs under. */
export function splitName(name: string): { parent: string; collectionId: string } {
  const idStart = name.lastIndexOf("/");
  const collectionStart = name.lastIndexOf("/", idStart - 1);
  return {
    parent: name.slice(0, Math.max(collectionStart, 0)),
    collectionId: name.slice(collectionStart + 1, idStart),
  };
}

/** Whether a document of this name belongs to the collection(s) the query reads. */
export function inScope(name: string, q: Query): boolean {
  const { parent, collectionId } = splitName(name);
  if (!q.allDescendants) return parent === q.parent && collectionId === q.collectionId;
  if (parent !== q.parent && !parent.startsWith(`${q.parent}/`)) return false;
  return q.collectionId === "" || collectionId === q.collectionId;
}

const compareFieldPaths = (a: string[], b: string[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareSegments(a[i] ?? "", b[i] ?? "");
    if (c !== 0) return c;
  }
  return a.length - b.length;
};

/**
 * The order the server really uses: the explicit orders, then every inequality field not
 * already ordered (in field-path order), then the document name; implicit orders take the
 * direction of the last explicit one.
 */
export function normalizedOrder(q: Query): Order[] {
  const orders = [...q.orderBy];
  const seen = new Set(orders.map((o) => o.field.path));
  const descending = orders[orders.length - 1]?.descending ?? false;
  const inequalities = inequalityFields(q.where)
    .filter((f) => f.path !== NAME_FIELD)
    .sort((a, b) => compareFieldPaths(a.segments, b.segments));
  for (const field of inequalities) {
    if (seen.has(field.path)) continue;
    seen.add(field.path);
    orders.push({ field, descending });
  }
  if (!seen.has(NAME_FIELD)) orders.push({ field: fieldRef(NAME_FIELD), descending });
  return orders;
}

function compareDocs(a: Doc, b: Doc, orders: Order[]): number {
  for (const o of orders) {
    const x = fieldValue(a, o.field);
    const y = fieldValue(b, o.field);
    // Documents without an ordered field never reach the sort (see hasOrderFields).
    const c = x && y ? compareValues(x, y) : 0;
    if (c !== 0) return o.descending ? -c : c;
  }
  return 0;
}

/** Where a document lies relative to a cursor: negative before it, 0 at it, positive after. */
function compareToBound(doc: Doc, bound: Bound, orders: Order[]): number {
  for (let i = 0; i < bound.values.length; i++) {
    const order = orders[i];
    const cursorValue = bound.values[i];
    if (!order || !cursorValue) break;
    const value = fieldValue(doc, order.field);
    if (!value) continue;
    const c = compareValues(value, cursorValue);
    if (c !== 0) return order.descending ? -c : c;
  }
  return 0;
}

function withinBounds(doc: Doc, q: Query, orders: Order[]): boolean {
  if (q.startAt) {
    const c = compareToBound(doc, q.startAt, orders);
    if (c < 0 || (c === 0 && !q.startAt.before)) return false;
  }
  if (q.endAt) {
    const c = compareToBound(doc, q.endAt, orders);
    if (c > 0 || (c === 0 && q.endAt.before)) return false;
  }
  return true;
}

/** Ordering by a field implies the field exists. */
const hasOrderFields = (doc: Doc, orders: Order[]): boolean =>
  orders.every((o) => fieldValue(doc, o.field) !== undefined);

function qualifies(doc: Doc, q: Query, orders: Order[]): boolean {
  return (
    inScope(doc.name, q) &&
    (!q.where || matches(doc, q.where)) &&
    hasOrderFields(doc, orders) &&
    withinBounds(doc, q, orders)
  );
}

/** Whether a document passes the query's scope, filters and cursors (before offset/limit). */
export function qualifiesFor(q: Query): (doc: Doc) => boolean {
  const orders = normalizedOrder(q);
  return (doc) => qualifies(doc, q, orders);
}

/** The matching documents, in order, before offset/limit/projection. */
export function matchingDocs(docs: Iterable<Doc>, q: Query): Doc[] {
  const orders = normalizedOrder(q);
  const out: Doc[] = [];
  for (const doc of docs) if (qualifies(doc, q, orders)) out.push(doc);
  return out.sort((a, b) => compareDocs(a, b, orders));
}

/** The query's result: documents in order, offset and limit applied, fields projected. */
export function runQuery(docs: Iterable<Doc>, q: Query): Doc[] {
  let result = matchingDocs(docs, q);
  if (q.findNearest) result = nearest(result, q.findNearest);
  result = result.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  const select = q.select;
  if (!select) return result;
  // The distance a vector search adds is part of the result even when not selected.
  const distance = q.findNearest?.distanceResultField;
  const keep = distance ? [...select, distance] : select;
  return result.map((d) => ({ ...d, fields: project(d.fields, keep) }));
}
