// The live view of a creation: one line per status change, and a progress bar that is
// redrawn in place on a terminal (or printed every 25 % when the output is a file/pipe).
import type { CreationSnapshot } from "../client";

const WIDTH = 30;

export function bar(progress: number, width = WIDTH): string {
  const p = Math.min(Math.max(progress, 0), 1);
  const filled = Math.round(p * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.round(p * 100)).padStart(3)}%`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export class ProgressView {
  private status: string | undefined;
  private drawn = false;
  private lastQuarter = -1;
  private retries = 0;
  private position: number | null | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly live = Boolean(process.stdout.isTTY),
  ) {}

  update(creation: CreationSnapshot): void {
    const elapsed = seconds(Date.now() - this.started);
    if (creation.status !== this.status) {
      this.clearBar();
      const from = this.status ? `${this.status} → ` : "";
      this.out.write(`  ● ${from}${creation.status}  at ${elapsed}\n`);
      this.status = creation.status;
    }
    // While it waits its turn: the queue position and the estimated ready time, as they change.
    const position = creation.status === "pending" ? creation.queuePosition : null;
    if (typeof position === "number" && position !== this.position) {
      this.position = position;
      this.clearBar();
      const ready = creation.estimatedReadyAt?.toDate();
      const eta = ready
        ? `, ready about ${ready.toLocaleTimeString()} (in ${seconds(ready.getTime() - Date.now())})`
        : "";
      this.out.write(`  ⧗ queue position ${position}${eta}\n`);
    }
    // A retry keeps the status; say why the previous attempt failed.
    if ((creation.retryCount ?? 0) > this.retries) {
      this.retries = creation.retryCount;
      this.clearBar();
      this.out.write(
        `  ↻ attempt ${this.retries + 1} (previous: ${creation.lastError ?? "failed"})  at ${elapsed}\n`,
      );
    }
    const progress = creation.progress ?? 0;
    if (this.live) {
      this.out.write(`\r    ${bar(progress)}  ${elapsed}`);
      this.drawn = true;
    } else {
      const quarter = Math.floor(progress * 4);
      if (quarter > this.lastQuarter) {
        this.lastQuarter = quarter;
        this.out.write(`    ${bar(progress)}  ${elapsed}\n`);
      }
    }
  }

  /** Ends the in-place line so later output starts on a fresh one. */
  close(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }

  private clearBar(): void {
    if (this.drawn) this.out.write("\r\x1b[2K");
    this.drawn = false;
  }
}
