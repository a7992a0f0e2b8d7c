// The stand-in's document store: the current documents plus recent versions, so reads at a
// past readTime (and read-only transactions pinned to one) see the data as it was.
import type { Doc, Query } from "./query/types";

/** Firestore serves reads up to an hour old (without point-in-time recovery). */
const HISTORY_MS = 60 * 60 * 1000;

interface Version {
  time: number;
  doc: Doc | null;
}

/** One document's new state in a commit (null: deleted). */
export interface DocChange {
  name: string;
  doc: Doc | null;
}

export type ChangeListener = (changes: DocChange[], time: number) => void;

export class DocumentStore {
  private readonly current = new Map<string, Doc>();
  /** Current documents by the collection path they sit in (`…/documents/users/u1/posts`). */
  private readonly byCollection = new Map<string, Map<string, Doc>>();
  private readonly history = new Map<string, Version[]>();
  private readonly listeners = new Set<ChangeListener>();
  /** The latest time handed out as a commit or read time; both only move forward. */
  private lastTime = 0;

  /** A commit time: after every earlier commit and read time. */
  nextCommitTime(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  /** A read time: every commit so far is visible at it, none after it. */
  readTime(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime);
    return this.lastTime;
  }

  get(name: string, at?: number): Doc | null {
    if (at === undefined) return this.current.get(name) ?? null;
    const versions = this.history.get(name);
    if (!versions) return null;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i];
      if (v && v.time <= at) return v.doc;
    }
    return null;
  }

  /** The documents a query may read: one collection's when it reads only that one, now. */
  candidates(q: Query, at?: number): Iterable<Doc> {
    if (q.allDescendants || at !== undefined) return this.docs(at);
    return this.byCollection.get(`${q.parent}/${q.collectionId}`)?.values() ?? [];
  }

  /** Every document that exists (at a past time, if given). */
  docs(at?: number): Iterable<Doc> {
    if (at === undefined) return this.current.values();
    const out: Doc[] = [];
    for (const name of this.history.keys()) {
      const doc = this.get(name, at);
      if (doc) out.push(doc);
    }
    return out;
  }

  /** Publishes one commit's changes at once, then tells the listeners. */
  apply(time: number, changes: DocChange[]): void {
    for (const { name, doc } of changes) {
      const collection = name.slice(0, name.lastIndexOf("/"));
      const members = this.byCollection.get(collection) ?? new Map<string, Doc>();
      if (doc) {
        this.current.set(name, doc);
        members.set(name, doc);
        this.byCollection.set(collection, members);
      } else {
        this.current.delete(name);
        members.delete(name);
        if (members.size === 0) this.byCollection.delete(collection);
      }
      const versions = this.history.get(name) ?? [];
      versions.push({ time, doc });
      this.prune(versions, time);
      this.history.set(name, versions);
    }
    for (const listener of [...this.listeners]) listener(changes, time);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    const deleted = [...this.current.keys()].map((name) => ({ name, doc: null }));
    this.current.clear();
    this.byCollection.clear();
    this.history.clear();
    if (deleted.length > 0) {
      const time = this.nextCommitTime();
      for (const listener of [...this.listeners]) listener(deleted, time);
    }
  }

  /** Drops versions no read can reach: those superseded more than HISTORY_MS ago. */
  private prune(versions: Version[], now: number): void {
    let drop = 0;
    while (drop + 1 < versions.length && (versions[drop + 1]?.time ?? now) < now - HISTORY_MS)
      drop++;
    if (drop > 0) versions.splice(0, drop);
  }
}
