// ListDocuments and ListCollectionIds over a set of documents. A "missing" document is one that
// does not exist but has documents below it (recursiveDelete and listDocuments need those).
import type { Doc } from "./query/types";
import { comparePaths, compareUtf8 } from "./query/values";

export type Listed = { name: string; missing: false; doc: Doc } | { name: string; missing: true };

export interface ListRequest {
  parent: string;
  collectionId: string;
  showMissing: boolean;
  pageSize: number;
  pageToken: string;
}

/** The documents of parent/collectionId in name order, one page at a time. */
export function listDocuments(
  docs: Iterable<Doc>,
  req: ListRequest,
): { docs: Listed[]; nextPageToken: string } {
  const prefix = req.collectionId ? `${req.parent}/${req.collectionId}/` : `${req.parent}/`;
  const found = new Map<string, Listed>();
  for (const doc of docs) {
    if (!doc.name.startsWith(prefix)) continue;
    const rest = doc.name.slice(prefix.length).split("/");
    // Without a collection id, every collection directly under parent is listed.
    const depth = req.collectionId ? 1 : 2;
    const name = prefix + rest.slice(0, depth).join("/");
    if (rest.length === depth) found.set(name, { name, missing: false, doc });
    else if (req.showMissing && !found.has(name)) found.set(name, { name, missing: true });
  }
  const all = [...found.values()].sort((a, b) => comparePaths(a.name, b.name));
  const start = req.pageToken ? all.findIndex((d) => comparePaths(d.name, req.pageToken) > 0) : 0;
  const from = start < 0 ? all.length : start;
  const size = req.pageSize > 0 ? req.pageSize : all.length;
  const page = all.slice(from, from + size);
  const last = page[page.length - 1];
  const nextPageToken = from + size < all.length && last ? last.name : "";
  return { docs: page, nextPageToken };
}

/** Ids of the collections directly under parent that hold at least one document (at any depth). */
export function collectionIds(docs: Iterable<Doc>, parent: string): string[] {
  const prefix = `${parent}/`;
  const ids = new Set<string>();
  for (const doc of docs) {
    if (!doc.name.startsWith(prefix)) continue;
    const id = doc.name.slice(prefix.length).split("/")[0];
    if (id) ids.add(id);
  }
  return [...ids].sort(compareUtf8);
}
