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
    /** Per-video money (absent on documents from before several videos: one video at `cost`). */
    cost?: number;
    sampleCount?: number;
    /** Every delivered video's key (absent: just `mediaPath`). */
    mediaPaths?: string[];
    /** How many videos asked for were not delivered (each refunded on its own). */
    undelivered?: number;
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
    | "refund-amount-mismatch"
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

  const entriesOf = (type: string, id: string) =>
    input.ledger.filter((e) => e.type === type && e.creationId === id);
  const objects = new Set(input.objects);
  const pathsOf = (c: AuditInput["creations"][number]) =>
    c.mediaPaths?.length ? c.mediaPaths : c.mediaPath ? [c.mediaPath] : [];
  for (const creation of input.creations) {
    const debits = entriesOf("video_generation", creation.id);
    const refunds = entriesOf("refund", creation.id);
    const asked = creation.sampleCount ?? 1;
    const delivered = creation.status === "draft" || creation.status === "published";
    if (debits.length !== 1) add("debit-count", creation.id, `${debits.length} debits`);
    // One refund entry per refunded video, at most one per video asked for.
    if (refunds.length > asked) add("refund-count", creation.id, `${refunds.length} refunds`);
    // Refunded: every video back; otherwise exactly the undelivered ones.
    const expectedRefunds = creation.refunded ? asked : (creation.undelivered ?? 0);
    if (refunds.length !== expectedRefunds)
      add(
        "refund-flag-mismatch",
        creation.id,
        `refunded=${creation.refunded}, ${creation.undelivered ?? 0} undelivered, ${refunds.length} refund entries`,
      );
    if (creation.cost !== undefined && debits.length === 1) {
      const charged = -debits[0].amount;
      const back = sum(refunds.map((e) => e.amount));
      const expected = (charged / asked) * expectedRefunds;
      if (charged !== creation.cost || back !== expected)
        add(
          "refund-amount-mismatch",
          creation.id,
          `cost ${creation.cost}, debited ${charged}, refunded ${back}, expected ${expected}`,
        );
    }
    if (creation.refunded && delivered)
      add("refunded-but-delivered", creation.id, `status ${creation.status}`);
    const paths = pathsOf(creation);
    if (delivered && (!paths.length || paths.some((path) => !objects.has(path))))
      add(
        "delivered-without-object",
        creation.id,
        `status ${creation.status}, media ${paths.join(", ") || "none"}`,
      );
  }

  const creationsByPath = new Map(
    input.creations.flatMap((c) => pathsOf(c).map((path) => [path, c] as const)),
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
