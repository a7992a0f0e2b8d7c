// Pessimistic locks as Firestore's server SDK transactions see them: a transaction locks
// what it reads until commit/rollback; plain writes wait for those locks.
import { aborted } from "./errors";

/** What a lock covers: one document, all documents of one collection, or of one collection group. */
export type LockScope =
  | { kind: "doc"; path: string }
  | { kind: "collection"; path: string }
  | { kind: "group"; id: string };

const parentOf = (docPath: string): string => docPath.slice(0, docPath.lastIndexOf("/"));
const lastSegment = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** Whether the scope covers the document at docPath. */
function covers(scope: LockScope, docPath: string): boolean {
  switch (scope.kind) {
    case "doc":
      return scope.path === docPath;
    case "collection":
      return scope.path === parentOf(docPath);
    case "group":
      return scope.id === lastSegment(parentOf(docPath));
  }
}

export function overlaps(a: LockScope, b: LockScope): boolean {
  if (a.kind === "doc") return covers(b, a.path);
  if (b.kind === "doc") return covers(a, b.path);
  const idOf = (s: LockScope): string => (s.kind === "group" ? s.id : lastSegment(s.path));
  if (a.kind === "collection" && b.kind === "collection") return a.path === b.path;
  return idOf(a) === idOf(b);
}

const DEADLOCK = "Transaction aborted: lock conflict (deadlock).";

const keyOf = (s: LockScope): string => `${s.kind}:${s.kind === "group" ? s.id : s.path}`;

interface Waiter {
  owner: string;
  scopes: LockScope[];
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class LockManager {
  private readonly held = new Map<string, Map<string, LockScope>>();
  private waiters: Waiter[] = [];

  holds(owner: string): boolean {
    return (this.held.get(owner)?.size ?? 0) > 0;
  }

  /**
   * Grants all scopes at once or waits. Rejects with ABORTED after waitMs, or at once if
   * waiting would close a cycle of waiting transactions (deadlock).
   */
  acquire(owner: string, scopes: LockScope[], waitMs: number): Promise<void> {
    const mine = this.held.get(owner);
    const wanted = scopes.filter((s) => !mine?.has(keyOf(s)));
    if (wanted.length === 0) return Promise.resolve();
    const blockers = this.blockers(owner, wanted);
    if (blockers.size === 0) {
      this.grant(owner, wanted);
      return Promise.resolve();
    }
    if (this.reaches(blockers, owner)) {
      return Promise.reject(aborted(DEADLOCK));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        scopes: wanted,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(aborted(`Transaction lock timeout: waited more than ${waitMs} ms for a lock.`));
        }, waitMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Drops every lock of owner and fails its pending requests; wakes whoever can now proceed. */
  releaseAll(owner: string, reason = "Transaction aborted."): void {
    this.held.delete(owner);
    const mine = this.waiters.filter((w) => w.owner === owner);
    this.waiters = this.waiters.filter((w) => w.owner !== owner);
    for (const w of mine) {
      clearTimeout(w.timer);
      w.reject(aborted(reason));
    }
    this.wake();
  }

  private wake(): void {
    // FIFO scan: earlier waiters get first pick, so nobody starves behind newcomers.
    const still: Waiter[] = [];
    let granted = false;
    for (const w of this.waiters) {
      if (this.blockers(w.owner, w.scopes).size === 0) {
        this.grant(w.owner, w.scopes);
        clearTimeout(w.timer);
        w.resolve();
        granted = true;
      } else {
        still.push(w);
      }
    }
    this.waiters = still;
    if (granted) this.breakDeadlocks();
  }

  /**
   * A grant can close a cycle nobody is asking about: the new holder may still wait on
   * another request (parallel reads in one transaction) for a lock held by someone who now
   * waits on it. The first waiter found in a cycle is ABORTED, which breaks it.
   */
  private breakDeadlocks(): void {
    for (const w of [...this.waiters]) {
      if (!this.waiters.includes(w)) continue;
      if (this.reaches(this.blockers(w.owner, w.scopes), w.owner)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        clearTimeout(w.timer);
        w.reject(aborted(DEADLOCK));
      }
    }
  }

  private grant(owner: string, scopes: LockScope[]): void {
    let mine = this.held.get(owner);
    if (!mine) {
      mine = new Map();
      this.held.set(owner, mine);
    }
    for (const s of scopes) mine.set(keyOf(s), s);
  }

  private blockers(owner: string, scopes: LockScope[]): Set<string> {
    const out = new Set<string>();
    for (const [other, locks] of this.held) {
      if (other === owner) continue;
      for (const held of locks.values()) {
        if (scopes.some((s) => overlaps(s, held))) {
          out.add(other);
          break;
        }
      }
    }
    return out;
  }

  /** Whether any of `from` is (transitively) waiting for `target`. */
  private reaches(from: Set<string>, target: string): boolean {
    const seen = new Set<string>();
    const stack = [...from];
    while (stack.length > 0) {
      const tx = stack.pop() as string;
      if (tx === target) return true;
      if (seen.has(tx)) continue;
      seen.add(tx);
      for (const w of this.waiters) {
        if (w.owner === tx) stack.push(...this.blockers(tx, w.scopes));
      }
    }
    return false;
  }
}
