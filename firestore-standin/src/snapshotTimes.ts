// Read times for Listen's global snapshots. A global NO_CHANGE with read_time T tells the SDK
// that every target of the stream reflects every commit up to T; the SDKs then treat a
// document target without its document as deleted *at T*, and ignore later document versions
// older than T. The store notifies each target on its own (on the next event-loop turn after a
// commit), so a commit is "in flight" until those notifications have run; a global read time
// must stay below every in-flight commit, or a target notified later loses its change.
export class SnapshotTimes {
  private readonly inFlight = new Map<number, number>(); // commit ms -> count
  private lastCommitMs = 0;

  /** Call right after a commit is applied to the store (its listener notifications are queued). */
  committed(date: Date): void {
    const ms = date.getTime();
    this.lastCommitMs = Math.max(this.lastCommitMs, ms);
    this.inFlight.set(ms, (this.inFlight.get(ms) ?? 0) + 1);
    // Queued after the store's own notifications (setImmediate is FIFO), so it runs after them.
    setImmediate(() => {
      const left = (this.inFlight.get(ms) ?? 1) - 1;
      if (left > 0) this.inFlight.set(ms, left);
      else this.inFlight.delete(ms);
    });
  }

  /** The latest time every target is consistent at: now (or the last commit, if later). */
  consistentMs(): number {
    if (this.inFlight.size > 0) return Math.min(...this.inFlight.keys()) - 1;
    return Math.max(Date.now(), this.lastCommitMs);
  }

  /** Whether a commit's notifications are still queued (another global snapshot will follow). */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }
}
