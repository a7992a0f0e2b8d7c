/**
 * What an owner does with a creation after submitting it: publish a draft, cancel a job that
 * has not started generating, delete a finished one, get a fresh media link. Someone else's
 * creation is reported as not found, so ids reveal nothing.
 */
import { randomUUID } from "node:crypto";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import {
  creationRefInput,
  ErrorReason,
  type CancelCreationResult,
  type DeleteCreationResult,
  type MediaUrlResult,
  type PublishCreationResult,
} from "../contract";
import { canCancel } from "../domain/creation-state";
import type { Creation } from "../domain/creation";
import { userMessageFor } from "../domain/failure";
import {
  claimMediaOp,
  completeDelete,
  completePublish,
  getCreation,
  refundCreation,
  releaseMediaOp,
  type MediaOpClaim,
} from "../adapters/creation-store";
import type { MediaStore } from "../adapters/media-store";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

export interface LifecycleDeps {
  media: () => Promise<MediaStore>;
  mediaUrlTtlSeconds: () => number;
}

const notFound = () => new HttpsError("not-found", "No such creation.");
const wrongState = (message: string, status: string) =>
  new HttpsError("failed-precondition", message, { reason: ErrorReason.wrongState, status });

async function ownCreation(
  request: CallableRequest<unknown>,
): Promise<{ uid: string; id: string; creation: Creation }> {
  const uid = requireUser(request);
  const { creationId: id } = parseInput(creationRefInput, request.data);
  const creation = await getCreation(id);
  if (!creation || creation.userId !== uid) throw notFound();
  return { uid, id, creation };
}

const busy = () =>
  wrongState("Another change to this creation is in progress; try again in a moment.", "busy");

/** The media operation for this call, or the error that ends the call. */
async function claimFor(
  id: string,
  uid: string,
  kind: "publish" | "delete",
  owner: string,
): Promise<MediaOpClaim> {
  const claim = await claimMediaOp(id, uid, kind, owner, Date.now());
  if (claim.outcome === "busy") throw busy();
  if (claim.outcome === "wrong-state" && claim.status === "missing") throw notFound();
  return claim;
}

export async function publishCreation(
  request: CallableRequest<unknown>,
  deps: LifecycleDeps,
): Promise<PublishCreationResult> {
  const { uid, id } = await ownCreation(request);
  return guarded("publishCreation", async () => {
    const owner = randomUUID();
    const claim = await claimFor(id, uid, "publish", owner);
    const mediaPath = claim.creation?.mediaPath;
    if (claim.outcome === "done" && claim.creation?.mediaUrl)
      return { creationId: id, status: "published", mediaUrl: claim.creation.mediaUrl };
    if (claim.outcome !== "claim" || !mediaPath)
      throw wrongState("Only a draft can be published.", claim.creation?.status ?? "missing");
    const media = await deps.media();
    // Whatever happens after the copy may have started, a publish that does not end
    // published leaves no public object behind.
    const discardCopy = () =>
      media.unpublish(mediaPath).catch((err) => logs.cleanupFailed(id, "public copy", err));
    let mediaUrl: string;
    try {
      mediaUrl = await media.publish(mediaPath);
    } catch (err) {
      await discardCopy();
      await releaseMediaOp(id, owner);
      throw err;
    }
    const creatorName =
      typeof request.auth?.token.name === "string" ? request.auth.token.name : null;
    if (await completePublish(id, owner, mediaUrl, creatorName))
      return { creationId: id, status: "published", mediaUrl };
    await discardCopy();
    throw wrongState("The creation changed while publishing.", "changed");
  });
}

export async function cancelCreation(
  request: CallableRequest<unknown>,
): Promise<CancelCreationResult> {
  const { uid, id, creation } = await ownCreation(request);
  return guarded("cancelCreation", async () => {
    if (creation.status === "cancelled")
      return { creationId: id, status: "cancelled", refunded: true };
    const result = await refundCreation(id, {
      status: "cancelled",
      error: userMessageFor("cancelled"),
      errorKind: "cancelled",
      // Checked again inside the transaction: the worker may have claimed it meanwhile.
      onlyIf: (current) =>
        current.userId === uid && current.status === "pending" && canCancel(current),
    });
    if (result.refunded) {
      logs.refunded(id, uid, creation.cost, "cancelled");
      return { creationId: id, status: "cancelled", refunded: true };
    }
    if (result.creation?.status === "cancelled")
      return { creationId: id, status: "cancelled", refunded: true };
    throw wrongState(
      "Only a job that has not started generating can be cancelled; the model cannot be stopped once it runs.",
      result.creation?.status ?? "missing",
    );
  });
}

export async function deleteCreation(
  request: CallableRequest<unknown>,
  deps: LifecycleDeps,
): Promise<DeleteCreationResult> {
  const { uid, id } = await ownCreation(request);
  return guarded("deleteCreation", async () => {
    const owner = randomUUID();
    const claim = await claimFor(id, uid, "delete", owner);
    if (claim.outcome === "done") return { creationId: id, deleted: true };
    if (claim.outcome !== "claim")
      throw wrongState(
        "A job in progress cannot be deleted; cancel it or wait for it to end.",
        claim.creation?.status ?? "missing",
      );
    // Objects first (both buckets), then the documents: a retry after a failure in between
    // finds the document and finishes; no publish can run meanwhile (the lease).
    const mediaPath = claim.creation?.mediaPath;
    if (mediaPath) await (await deps.media()).remove(mediaPath);
    if (!(await completeDelete(id, owner)))
      throw wrongState("The creation changed while deleting.", "changed");
    return { creationId: id, deleted: true };
  });
}

export async function getMediaUrl(
  request: CallableRequest<unknown>,
  deps: LifecycleDeps,
): Promise<MediaUrlResult> {
  const uid = requireUser(request);
  const { creationId: id } = parseInput(creationRefInput, request.data);
  const creation = await getCreation(id);
  // Published media is public; anything else only for its owner.
  if (!creation || (creation.userId !== uid && creation.status !== "published")) throw notFound();
  return guarded("getMediaUrl", async () => {
    if (creation.status === "published" && creation.mediaUrl)
      return { mediaUrl: creation.mediaUrl, expiresAt: null };
    if (creation.status !== "draft" || !creation.mediaPath)
      throw wrongState("This creation has no media yet.", creation.status);
    const { url, expiresAt } = await (
      await deps.media()
    ).signedUrl(creation.mediaPath, deps.mediaUrlTtlSeconds());
    return { mediaUrl: url, expiresAt: expiresAt.toISOString() };
  });
}
