/**
 * What an owner does with a creation after submitting it: publish a draft, cancel a job that
 * has not started generating, delete a finished one, get a fresh media link. Someone else's
 * creation is reported as not found, so ids reveal nothing.
 */
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import {
  creationRefInput,
  ErrorReason,
  type CancelCreationResult,
  type DeleteCreationResult,
  type MediaUrlResult,
  type PublishCreationResult,
} from "../contract";
import { canCancel, canDelete } from "../domain/creation-state";
import type { Creation } from "../domain/creation";
import { userMessageFor } from "../domain/failure";
import * as creationStore from "../adapters/creation-store";
import type { MediaStore } from "../adapters/media-store";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

export type LifecycleStore = Pick<
  typeof creationStore,
  "deleteIfFinished" | "getCreation" | "markPublished" | "refundCreation"
>;

export interface LifecycleDeps {
  media: () => Promise<Pick<MediaStore, "publish" | "remove" | "signedUrl">>;
  mediaUrlTtlSeconds: () => number;
  /** The creation store (tests pass a fake). */
  store?: LifecycleStore;
}

const notFound = () => new HttpsError("not-found", "No such creation.");
const wrongState = (message: string, status: string) =>
  new HttpsError("failed-precondition", message, { reason: ErrorReason.wrongState, status });

async function ownCreation(
  request: CallableRequest<unknown>,
  store: LifecycleStore,
): Promise<{ uid: string; id: string; creation: Creation }> {
  const uid = requireUser(request);
  const { creationId: id } = parseInput(creationRefInput, request.data);
  const creation = await store.getCreation(id);
  if (!creation || creation.userId !== uid) throw notFound();
  return { uid, id, creation };
}

export async function publishCreation(
  request: CallableRequest<unknown>,
  deps: LifecycleDeps,
): Promise<PublishCreationResult> {
  const store = deps.store ?? creationStore;
  const { id, creation } = await ownCreation(request, store);
  return guarded("publishCreation", async () => {
    if (creation.status === "published" && creation.mediaUrl)
      return { creationId: id, status: "published", mediaUrl: creation.mediaUrl };
    if (creation.status !== "draft" || !creation.mediaPath)
      throw wrongState("Only a draft can be published.", creation.status);
    const media = await deps.media();
    const mediaUrl = await media.publish(creation.mediaPath); // a repeat copies the same bytes again: harmless
    const published = await store.markPublished(id, mediaUrl);
    if (!published) throw wrongState("The creation changed while publishing.", "changed");
    return { creationId: id, status: "published", mediaUrl };
  });
}

export async function cancelCreation(
  request: CallableRequest<unknown>,
  deps: Pick<LifecycleDeps, "store"> = {},
): Promise<CancelCreationResult> {
  const store = deps.store ?? creationStore;
  const { uid, id, creation } = await ownCreation(request, store);
  return guarded("cancelCreation", async () => {
    if (creation.status === "cancelled")
      return { creationId: id, status: "cancelled", refunded: true };
    const result = await store.refundCreation(id, {
      status: "cancelled",
      error: userMessageFor("cancelled"),
      errorKind: "cancelled",
      // Checked again inside the transaction: the worker may have claimed it meanwhile.
      onlyIf: (current) => current.userId === uid && canCancel(current),
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
  const store = deps.store ?? creationStore;
  const { id, creation } = await ownCreation(request, store);
  return guarded("deleteCreation", async () => {
    if (!canDelete(creation.status))
      throw wrongState(
        "A job in progress cannot be deleted; cancel it or wait for it to end.",
        creation.status,
      );
    // Objects first: if the document delete then fails, a retry finds the document and finishes.
    if (creation.mediaPath) await (await deps.media()).remove(creation.mediaPath);
    const deleted = await store.deleteIfFinished(id);
    if (!deleted) throw wrongState("The creation changed while deleting.", "changed");
    return { creationId: id, deleted: true };
  });
}

export async function getMediaUrl(
  request: CallableRequest<unknown>,
  deps: LifecycleDeps,
): Promise<MediaUrlResult> {
  const uid = requireUser(request);
  const { creationId: id } = parseInput(creationRefInput, request.data);
  const creation = await (deps.store ?? creationStore).getCreation(id);
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
