/**
 * An in-memory creation store for handler unit tests: the store's functions the handlers
 * use, with the same domain decisions (admission, claim, refund, state machine) and no
 * Firestore. Typed by the real store's signatures, so it cannot drift from them.
 */
import type * as creationStore from "../../src/adapters/creation-store";
import { decideAdmission } from "../../src/domain/admission";
import { queuePlacement } from "../../src/domain/backlog";
import { canDelete, isEnd, transition } from "../../src/domain/creation-state";
import type { Creation } from "../../src/domain/creation";
import { decideMediaOp, MEDIA_OP_LEASE_MS } from "../../src/domain/media-op";
import { decideRefund } from "../../src/domain/refund";
import { welcomeVerdict } from "../../src/domain/welcome-policy";
import { claimedFields, decideClaim } from "../../src/domain/worker-step";
import type { LifecycleStore } from "../../src/handlers/creation-lifecycle";
import type { SubmitDeps } from "../../src/handlers/generate-video";
import type { WorkerStore } from "../../src/handlers/process-creation";

type Store = typeof creationStore;

export class MemoryStore implements LifecycleStore, WorkerStore, Required<SubmitDeps["store"]> {
  readonly creations = new Map<string, Creation>();
  readonly balances = new Map<string, number>();
  readonly enqueueFailed = new Set<string>();
  private nextId = 0;

  constructor(private readonly activeJobsOf: (userId: string) => number = () => 0) {}

  put(id: string, creation: Creation): void {
    this.creations.set(id, { ...creation });
  }

  mintCreationId: Store["mintCreationId"] = (_userId, requestId) =>
    requestId ? `req-${requestId}` : `auto-${++this.nextId}`;

  submitCreation: Store["submitCreation"] = async (id, creation, limits) => {
    const { policy, account } = limits.welcome;
    const welcome = welcomeVerdict(policy, account).eligible ? policy.tokens : 0;
    const balance = this.balances.get(creation.userId) ?? welcome;
    const admission = decideAdmission({
      userId: creation.userId,
      requestHash: creation.requestHash,
      existing: this.creations.get(id) ?? null,
      balance,
      cost: creation.cost,
      activeJobs: this.activeJobsOf(creation.userId),
      maxActiveJobs: limits.maxActiveJobs,
    });
    if (admission.outcome === "reject") return admission;
    if (admission.outcome === "replay") {
      const stored = this.creations.get(id)!;
      return { outcome: "replayed", cost: stored.cost, balance, status: stored.status };
    }
    const placement = queuePlacement(await limits.backlog);
    if (placement.outcome === "reject") return placement;
    this.balances.set(creation.userId, balance - creation.cost);
    this.put(id, { ...creation, ...placement.fields });
    return {
      outcome: "created",
      cost: creation.cost,
      balance: balance - creation.cost,
      status: creation.status,
    };
  };

  markEnqueueFailed: Store["markEnqueueFailed"] = (id, failed) => {
    if (failed) this.enqueueFailed.add(id);
    else this.enqueueFailed.delete(id);
    return Promise.resolve();
  };

  countPending: Store["countPending"] = () =>
    Promise.resolve([...this.creations.values()].filter((c) => c.status === "pending").length);

  getCreation: Store["getCreation"] = (id) => {
    const creation = this.creations.get(id);
    return Promise.resolve(creation ? { ...creation } : null);
  };

  claimMediaOp: Store["claimMediaOp"] = (id, userId, kind, owner, nowMs) => {
    const found = this.creations.get(id);
    const creation = found?.userId === userId ? found : null;
    const decision = decideMediaOp(creation, kind, nowMs);
    if (decision.outcome === "claim" && creation)
      creation.mediaOp = { kind, owner, expiresAtMs: nowMs + MEDIA_OP_LEASE_MS };
    return Promise.resolve({ ...decision, creation: creation ? { ...creation } : null });
  };

  releaseMediaOp: Store["releaseMediaOp"] = (id, owner) => {
    const creation = this.creations.get(id);
    if (creation?.mediaOp?.owner === owner) creation.mediaOp = null;
    return Promise.resolve();
  };

  completePublish: Store["completePublish"] = (id, owner, mediaUrl) => {
    const creation = this.creations.get(id);
    if (creation?.status !== "draft" || creation.mediaOp?.owner !== owner)
      return Promise.resolve(false);
    Object.assign(creation, transition(creation.status, "published"), { mediaUrl, mediaOp: null });
    return Promise.resolve(true);
  };

  completeDelete: Store["completeDelete"] = (id, owner) => {
    const creation = this.creations.get(id);
    if (!creation) return Promise.resolve(true);
    if (creation.mediaOp?.owner !== owner || !canDelete(creation.status))
      return Promise.resolve(false);
    this.creations.delete(id);
    return Promise.resolve(true);
  };

  refundCreation: Store["refundCreation"] = (id, request) => {
    const creation = this.creations.get(id) ?? null;
    const decision = decideRefund(creation, request.status, request.onlyIf);
    if (decision.outcome === "keep" || !creation)
      return Promise.resolve({
        refunded: false,
        creation,
        why: decision.outcome === "keep" ? decision.why : "missing",
      });
    this.balances.set(creation.userId, (this.balances.get(creation.userId) ?? 0) + creation.cost);
    Object.assign(creation, transition(creation.status, request.status), {
      error: request.error,
      errorKind: request.errorKind,
      refunded: true,
      leaseOwner: null,
      leaseExpiresAtMs: null,
      ...(request.lastError ? { lastError: request.lastError } : {}),
    });
    return Promise.resolve({ refunded: true, creation: { ...creation } });
  };

  claimCreation: Store["claimCreation"] = (id, step, owner, nowMs, leaseMs) => {
    const creation = this.creations.get(id) ?? null;
    const claim = decideClaim(creation, step, nowMs);
    if (claim.outcome !== "claim" || !creation) return Promise.resolve({ claim, creation });
    Object.assign(creation, claimedFields(creation, step, owner, nowMs, leaseMs));
    return Promise.resolve({ claim, creation: { ...creation } });
  };

  updateIfOwner: Store["updateIfOwner"] = (id, owner, fields) =>
    Promise.resolve(this.updateLeased(id, owner, fields));

  finishCreation: Store["finishCreation"] = (id, owner, fields) =>
    Promise.resolve(
      this.updateLeased(
        id,
        owner,
        { ...fields, progress: 1, leaseOwner: null, leaseExpiresAtMs: null, error: null },
        "draft",
      ),
    );

  private updateLeased(
    id: string,
    owner: string,
    fields: Partial<Creation>,
    to?: Creation["status"],
  ): boolean {
    const creation = this.creations.get(id);
    if (!creation || isEnd(creation.status) || creation.leaseOwner !== owner) return false;
    Object.assign(creation, fields, to ? transition(creation.status, to) : {});
    return true;
  }
}
