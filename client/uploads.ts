/**
 * Input images for `generateVideo` (`image`, `lastFrame`, `referenceImages`): ask `createUpload`
 * for a presigned PUT, send the bytes to it, and pass the `uploadId` on. The type and size are
 * checked here first with the contract's own limits; the server checks the real bytes later.
 */
import { httpsCallable, type Functions } from "firebase/functions";
import {
  createUploadInput,
  type CreateUploadInput,
  type CreateUploadResult,
  type UploadContentType,
} from "../functions/src/contract";
import { validate } from "./callables";

/** A presigned PUT for one image (quota: `MAX_PENDING_UPLOADS` unused ones per user). */
export async function createUpload(
  functions: Functions,
  input: CreateUploadInput,
): Promise<CreateUploadResult> {
  const request = validate(createUploadInput, input);
  const { data } = await httpsCallable<typeof request, CreateUploadResult>(
    functions,
    "createUpload",
  )(request);
  return data;
}

/** The PUT of an upload was refused (expired link, other size or type than declared). */
export class UploadFailedError extends Error {
  constructor(readonly status: number) {
    super(`the image upload was refused (HTTP ${status})`);
    this.name = "UploadFailedError";
  }
}

/**
 * Uploads one image and answers its `uploadId`, for `generateVideo({ image: uploadId, … })`.
 * `image` is a Blob/File (its type is used unless `contentType` is given) or raw bytes.
 */
export async function uploadImage(
  functions: Functions,
  image: Blob | Uint8Array,
  contentType?: UploadContentType,
): Promise<string> {
  const blob = image instanceof Uint8Array ? new Blob([new Uint8Array(image)]) : image;
  const type = contentType ?? (blob.type || undefined);
  const upload = await createUpload(functions, {
    contentType: type as UploadContentType,
    size: blob.size,
  });
  // fetch sets Content-Length from the body; the signature covers it and the type.
  const response = await fetch(upload.uploadUrl, {
    method: "PUT",
    headers: { "content-type": upload.headers["content-type"] },
    body: blob,
  });
  if (!response.ok) throw new UploadFailedError(response.status);
  return upload.uploadId;
}
