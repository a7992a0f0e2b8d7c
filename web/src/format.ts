/** Pure formatting of what the listeners deliver: status lines, waiting times, ledger rows. */
import type { CreationStatus } from "../../client";

const STATUS_TEXT: Record<CreationStatus, string> = {
  pending: "Waiting to start",
  processing: "Generating",
  draft: "Ready (draft, only you can see it)",
  published: "Published",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function statusText(status: CreationStatus): string {
  return STATUS_TEXT[status];
}

/** 0..1 from the document (missing or out of range values are clamped) as a whole percent. */
export function percent(progress: number | null | undefined): number {
  if (typeof progress !== "number" || !Number.isFinite(progress)) return 0;
  return Math.round(Math.min(Math.max(progress, 0), 1) * 100);
}

/** "in about 2 min" / "in a few seconds" / "any moment now". */
export function etaText(readyAtMs: number, nowMs: number): string {
  const seconds = Math.round((readyAtMs - nowMs) / 1000);
  if (seconds <= 5) return "any moment now";
  if (seconds < 60) return `in about ${Math.ceil(seconds / 10) * 10} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `in about ${minutes} min` : `in about ${Math.round(minutes / 60)} h`;
}

/** The waiting line of a pending creation, from the fields the backend keeps live. */
export function queueText(
  queuePosition: number | null | undefined,
  readyAtMs: number | null | undefined,
  nowMs: number,
): string | undefined {
  const parts: string[] = [];
  if (typeof queuePosition === "number" && queuePosition >= 1) {
    parts.push(queuePosition === 1 ? "next in line" : `number ${queuePosition} in line`);
  }
  if (typeof readyAtMs === "number") parts.push(`ready ${etaText(readyAtMs, nowMs)}`);
  return parts.length ? parts.join(" · ") : undefined;
}

const LEDGER_TYPES: Record<string, string> = {
  grant: "Tokens granted",
  video_generation: "Video",
  refund: "Refund",
};

export function ledgerTypeText(type: string): string {
  return LEDGER_TYPES[type] ?? type;
}

export function signedAmount(amount: number): string {
  return amount > 0 ? `+${amount}` : String(amount);
}

/** "14:05:09" today, "2 Dec, 14:05" before: short enough for a phone's table column. */
export function dateTimeText(ms: number | undefined, nowMs = Date.now()): string {
  if (ms === undefined) return "just now";
  const at = new Date(ms);
  if (at.toDateString() === new Date(nowMs).toDateString()) {
    return at.toLocaleTimeString(undefined, {
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  }
  return at.toLocaleString(undefined, {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** Milliseconds of a Firestore Timestamp-like value (server timestamps are null until set). */
export function millisOf(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const toMillis = (value as { toMillis?: unknown }).toMillis;
  return typeof toMillis === "function" ? (toMillis as () => number).call(value) : undefined;
}
