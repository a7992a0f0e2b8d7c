// Transaction registry: ids, read-only vs read-write, and the lock-hold limit that ends a
// transaction in ABORTED (which the SDKs retry).
import { randomBytes } from "node:crypto";

import { aborted } from "./errors";
import type { LockManager, LockScope } from "./locks";

/** Firestore's own limit on a transaction's lifetime; idle ids are forgotten after it. */
const MAX_TRANSACTION_LIFETIME_MS = 270_000;

export interface Transaction {
  readonly id: string;
  readonly readOnly: boolean;
  abortedReason: string | null;
  holdTimer?: NodeJS.Timeout;
  expiryTimer: NodeJS.Timeout;
}

export class TransactionRegistry {
  private readonly active = new Map<string, Transaction>();
  private plainWriters = 0;

  constructor(
    private readonly locks: LockManager,
    private readonly lockTimeoutMs: number,
  ) {}

  begin(readOnly: boolean): Transaction {
    const id = randomBytes(16).toString("hex");
    const tx: Transaction = {
      id,
      readOnly,
      abortedReason: null,
      expiryTimer: setTimeout(
        () => this.abort(tx, "Transaction expired."),
        MAX_TRANSACTION_LIFETIME_MS,
      ),
    };
    tx.expiryTimer.unref();
    this.active.set(id, tx);
    return tx;
  }

  /** The live transaction for an id sent by a client; ABORTED if it ended or never existed. */
  get(id: Uint8Array): Transaction {
    const tx = this.active.get(Buffer.from(id).toString("hex"));
    if (!tx) throw aborted("The referenced transaction has expired or is no longer valid.");
    if (tx.abortedReason) throw aborted(tx.abortedReason);
    return tx;
  }

  /** Locks scopes for a read-write transaction (read-only ones take no locks). */
  async lock(tx: Transaction, scopes: LockScope[]): Promise<void> {
    if (tx.readOnly || scopes.length === 0) return;
    await this.locks.acquire(tx.id, scopes, this.waitLimitMs());
    if (tx.abortedReason) throw aborted(tx.abortedReason);
    if (!tx.holdTimer && this.locks.holds(tx.id)) {
      tx.holdTimer = setTimeout(
        () =>
          this.abort(
            tx,
            `Transaction aborted: it held its locks longer than ${this.lockTimeoutMs} ms.`,
          ),
        this.lockTimeoutMs,
      );
    }
  }

  /** Ends a transaction after commit or rollback, releasing its locks. */
  finish(tx: Transaction): void {
    this.clearTimers(tx);
    this.active.delete(tx.id);
    this.locks.releaseAll(tx.id);
  }

  abort(tx: Transaction, reason: string): void {
    if (tx.abortedReason) return;
    tx.abortedReason = reason;
    this.clearTimers(tx);
    this.locks.releaseAll(tx.id, reason);
    // Keep the id a while so the client learns ABORTED (retryable) rather than a stranger error.
    const forget = setTimeout(() => this.active.delete(tx.id), MAX_TRANSACTION_LIFETIME_MS);
    forget.unref();
  }

  abortAll(reason: string): void {
    for (const tx of this.active.values()) this.abort(tx, reason);
  }

  /** Runs fn holding write locks on scopes, for writes outside any transaction. */
  async withPlainLocks<T>(scopes: LockScope[], fn: () => T): Promise<T> {
    const owner = `plain-${++this.plainWriters}`;
    try {
      await this.locks.acquire(owner, scopes, this.waitLimitMs());
      return fn();
    } finally {
      this.locks.releaseAll(owner);
    }
  }

  /** Waiters get room for one holder to hit its hold limit, plus slack. */
  private waitLimitMs(): number {
    return this.lockTimeoutMs * 2 + 1000;
  }

  private clearTimers(tx: Transaction): void {
    clearTimeout(tx.expiryTimer);
    if (tx.holdTimer) clearTimeout(tx.holdTimer);
  }
}
