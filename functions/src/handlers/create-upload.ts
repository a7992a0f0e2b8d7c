/**
 * `createUpload`: a short-lived presigned PUT for one private image of the caller's, after the
 * quota of unused uploads is checked and the upload recorded. The bytes are checked later, by
 * the worker, before anything is spent on the model (a client can PUT anything it likes).
 */
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import {
  createUploadInput,
  MAX_PENDING_UPLOADS,
  UPLOAD_TTL_SECONDS,
  UPLOAD_URL_TTL_SECONDS,
  UploadErrorReason,
  type CreateUploadResult,
} from "../contract";
import { uploadKeyOf } from "../domain/uploads";
import * as uploadStore from "../adapters/upload-store";
import type { MediaStore } from "../adapters/media-store";
import { logs } from "../logs";
import { guarded, parseInput, requireUser } from "./callable";

export interface CreateUploadDeps {
  media: () => Promise<Pick<MediaStore, "presignedPut">>;
  store?: Pick<typeof uploadStore, "mintUploadId" | "reserveUpload">;
}

export async function createUpload(
  request: CallableRequest<unknown>,
  deps: CreateUploadDeps,
): Promise<CreateUploadResult> {
  const userId = requireUser(request);
  const input = parseInput(createUploadInput, request.data);
  const store = deps.store ?? uploadStore;
  return guarded("createUpload", async () => {
    const uploadId = store.mintUploadId();
    const nowMs = Date.now();
    const decision = await store.reserveUpload(userId, uploadId, input, {
      maxPending: MAX_PENDING_UPLOADS,
      ttlMs: UPLOAD_TTL_SECONDS * 1000,
      nowMs,
    });
    if (decision.outcome === "reject") {
      throw new HttpsError(
        "resource-exhausted",
        `You have ${decision.pending} unused uploads; use them or wait for them to expire.`,
        { reason: UploadErrorReason.tooManyUploads, pending: decision.pending, max: decision.max },
      );
    }
    const media = await deps.media();
    const { url, expiresAt } = await media.presignedPut(
      uploadKeyOf(userId, uploadId),
      input.contentType,
      input.size,
      UPLOAD_URL_TTL_SECONDS,
    );
    logs.uploadCreated(userId, uploadId, input.contentType, input.size);
    return {
      uploadId,
      uploadUrl: url,
      headers: { "content-type": input.contentType, "content-length": String(input.size) },
      expiresAt: expiresAt.toISOString(),
      usableUntil: new Date(nowMs + UPLOAD_TTL_SECONDS * 1000).toISOString(),
    };
  });
}
