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
import { linkedMedia, mediaLinks, mediaOf, mediaPathsOf, type Creation } from "../domain/creation";
import { userMessageFor } from "../domain/failure";
import * as creationStore from "../adapters/creation-store";
import type { MediaOpClaim } from "../adapters/creation-store";
import type { MediaStore } from "../adapters/media-store";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

export type LifecycleStore = Pick<
  typeof creationStore,
  | "claimMediaOp"
  | "completeDelete"
  | "completePublish"
  | "getCreation"
  | "refundCreation"
  | "releaseMediaOp"
>;

export interface LifecycleDeps {
  media: () => Promise<Pick<MediaStore, "publish" | "unpublish" | "remove" | "signedUrl">>;
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

const busy = () =>
  wrongState("Another change to this creation is in progress; try again in a moment.", "busy");

/** The media operation for this call, or the error that ends the call. */
async function claimFor(
  store: LifecycleStore,
  id: string,
  uid: string,
  kind: "publish" | "delete",
  owner: string,
): Promise<MediaOpClaim> {
  const claim = await store.claimMediaOp(id, uid, kind, owner, Date.now());
  if (claim.outcome === "busy") throw busy();
  if (claim.outcome === "wrong-state" && claim.status === "missing") throw notFound();
  return claim;
}

export async function publishCreation(
  request: CallableRequest<unknown>,
  deps: LifecycleDeps,
): Promise<PublishCreationResult> {
  const store = deps.store ?? creationStore;
  const { uid, id } = await ownCreation(request, store);
  return guarded("publishCreation", async () => {
    const owner = randomUUID();
    const claim = await claimFor(store, id, uid, "publish", owner);
    const paths = claim.creation ? mediaPathsOf(claim.creation) : [];
    if (claim.outcome === "done" && claim.creation?.mediaUrl)
      return { creationId: id, status: "published", mediaUrl: claim.creation.mediaUrl };
    if (claim.outcome !== "claim" || !claim.creation || !paths.length)
      throw wrongState("Only a draft can be published.", claim.creation?.status ?? "missing");
    const media = await deps.media();
    // Every delivered video is published together (one creation, one feed entry). Whatever
    // happens after a copy may have started, a publish that does not end published leaves no
    // public object behind.
    const discardCopies = () =>
      Promise.all(paths.map((path) => media.unpublish(path))).catch((err) =>
        logs.cleanupFailed(id, "public copy", err),
      );
    let urls: string[];
    try {
      urls = await Promise.all(paths.map((path) => media.publish(path)));
    } catch (err) {
      await discardCopies();
      await store.releaseMediaOp(id, owner);
      throw err;
    }
    const links = new Map(paths.map((path, i) => [path, urls[i]]));
    const published = linkedMedia(claim.creation.media ?? [], links);
    const mediaUrl = links.get(claim.creation.mediaPath ?? paths[0]) ?? urls[0];
    const creatorName =
      typeof request.auth?.token.name === "string" ? request.auth.token.name : null;
    if (await store.completePublish(id, owner, mediaUrl, creatorName, published))
      return { creationId: id, status: "published", mediaUrl };
    await discardCopies();
    throw wrongState("The creation changed while publishing.", "changed");
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
  const { uid, id } = await ownCreation(request, store);
  return guarded("deleteCreation", async () => {
    const owner = randomUUID();
    const claim = await claimFor(store, id, uid, "delete", owner);
    if (claim.outcome === "done") return { creationId: id, deleted: true };
    if (claim.outcome !== "claim")
      throw wrongState(
        "A job in progress cannot be deleted; cancel it or wait for it to end.",
        claim.creation?.status ?? "missing",
      );
    // Objects first (both buckets), then the documents: a retry after a failure in between
    // finds the document and finishes; no publish can run meanwhile (the lease).
    const paths = claim.creation ? mediaPathsOf(claim.creation) : [];
    if (paths.length) {
      const media = await deps.media();
      await Promise.all(paths.map((path) => media.remove(path)));
    }
    if (!(await store.completeDelete(id, owner)))
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
  const creation = await (deps.store ?? creationStore).getCreation(id);
  // Published media is public; anything else only for its owner.
  if (!creation || (creation.userId !== uid && creation.status !== "published")) throw notFound();
  return guarded("getMediaUrl", async () => {
    if (creation.status === "published" && creation.mediaUrl) {
      const media = mediaLinks(mediaOf(creation));
      const only = { index: 0, mediaUrl: creation.mediaUrl, posterUrl: null, spriteUrl: null };
      return { mediaUrl: creation.mediaUrl, expiresAt: null, media: media.length ? media : [only] };
    }
    const paths = mediaPathsOf(creation);
    if (creation.status !== "draft" || !paths.length)
      throw wrongState("This creation has no media yet.", creation.status);
    const store = await deps.media();
    const signed = await Promise.all(
      paths.map((path) => store.signedUrl(path, deps.mediaUrlTtlSeconds())),
    );
    const links = new Map(paths.map((path, i) => [path, signed[i].url]));
    const media = linkedMedia(mediaOf(creation), links);
    return {
      mediaUrl: media[0].url ?? signed[0].url,
      expiresAt: signed[0].expiresAt.toISOString(),
      media: mediaLinks(media),
    };
  });
}
