/**
 * The ledger audit: checks the money invariants and the creation/media consistency over a
 * snapshot of users, ledger entries, creations and stored objects. Pure, so it is tested
 * with planted problems; `tools/audit.ts` feeds it the live data.
 */
import { isActive, isEnd } from "./creation-state";
import type { CreationStatus } from "../contract";

export interface AuditInput {
  users: Array<{
    id: string;
    tokenBalance: number;
    totalTokensSpent: number;
    /** The admission counter of unfinished jobs (absent on documents from before it). */
    activeJobs?: number;
  }>;
  ledger: Array<{ id: string; userId: string; type: string; amount: number; creationId?: string }>;
  creations: Array<{
    id: string;
    userId: string;
    status: CreationStatus;
    refunded: boolean;
    mediaPath: string | null;
  }>;
  /** Keys in the private media bucket. */
  objects: string[];
  /** Keys in the public (published) media bucket. */
  publicObjects?: string[];
}

export interface Problem {
  kind:
    | "negative-balance"
    | "ledger-mismatch"
    | "spent-mismatch"
    | "debit-count"
    | "refund-count"
    | "refunded-but-delivered"
    | "refund-flag-mismatch"
    | "delivered-without-object"
    | "object-without-creation"
    | "object-of-undelivered-creation"
    | "active-jobs-mismatch"
    | "public-object-not-published";
  subject: string;
  detail: string;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export function auditLedger(input: AuditInput): Problem[] {
  const problems: Problem[] = [];
  const add = (kind: Problem["kind"], subject: string, detail: string) =>
    problems.push({ kind, subject, detail });

  for (const user of input.users) {
    const entries = input.ledger.filter((entry) => entry.userId === user.id);
    const ledgerSum = sum(entries.map((entry) => entry.amount));
    if (user.tokenBalance < 0)
      add("negative-balance", user.id, `tokenBalance ${user.tokenBalance}`);
    if (ledgerSum !== user.tokenBalance)
      add(
        "ledger-mismatch",
        user.id,
        `ledger sum ${ledgerSum} != tokenBalance ${user.tokenBalance}`,
      );
    const spent = -sum(
      entries
        .filter((e) => e.type === "video_generation" || e.type === "refund")
        .map((e) => e.amount),
    );
    const active = input.creations.filter((c) => c.userId === user.id && isActive(c.status));
    if (user.activeJobs !== undefined && user.activeJobs !== active.length)
      add(
        "active-jobs-mismatch",
        user.id,
        `activeJobs ${user.activeJobs} != ${active.length} unfinished creations`,
      );
    if (spent !== user.totalTokensSpent)
      add(
        "spent-mismatch",
        user.id,
        `debits - refunds ${spent} != totalTokensSpent ${user.totalTokensSpent}`,
      );
  }

  const byCreation = (type: string, id: string) =>
    input.ledger.filter((e) => e.type === type && e.creationId === id).length;
  const objects = new Set(input.objects);
  for (const creation of input.creations) {
    const debits = byCreation("video_generation", creation.id);
    const refunds = byCreation("refund", creation.id);
    const delivered = creation.status === "draft" || creation.status === "published";
    if (debits !== 1) add("debit-count", creation.id, `${debits} debits`);
    if (refunds > 1) add("refund-count", creation.id, `${refunds} refunds`);
    if (creation.refunded !== refunds > 0)
      add(
        "refund-flag-mismatch",
        creation.id,
        `refunded=${creation.refunded}, ${refunds} refund entries`,
      );
    if (creation.refunded && delivered)
      add("refunded-but-delivered", creation.id, `status ${creation.status}`);
    if (delivered && (!creation.mediaPath || !objects.has(creation.mediaPath)))
      add(
        "delivered-without-object",
        creation.id,
        `status ${creation.status}, mediaPath ${creation.mediaPath}`,
      );
  }

  const creationsByPath = new Map(
    input.creations.filter((c) => c.mediaPath).map((c) => [c.mediaPath!, c]),
  );
  for (const key of objects) {
    const owner = creationsByPath.get(key);
    if (!owner) add("object-without-creation", key, "no creation refers to it");
    // An active creation's object may be mid-transfer; a failed or cancelled one must have none.
    else if (isEnd(owner.status) && (owner.status === "failed" || owner.status === "cancelled"))
      add("object-of-undelivered-creation", key, `creation ${owner.id} is ${owner.status}`);
  }
  // A public object exists only for a creation that is published now (deleted ones leave none).
  for (const key of input.publicObjects ?? []) {
    const owner = creationsByPath.get(key);
    if (owner?.status !== "published")
      add(
        "public-object-not-published",
        key,
        owner ? `creation ${owner.id} is ${owner.status}` : "no creation refers to it",
      );
  }
  return problems;
}
