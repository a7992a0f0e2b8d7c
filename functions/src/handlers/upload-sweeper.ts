/**
 * Removes uploads past their lifetime: the object, then its document. The R2 lifecycle rule
 * on `uploads/` does the same for the objects in production; this pass also clears the
 * documents (the quota counts them) and covers storage without lifecycle rules (the local stack).
 */
import type { MediaStore } from "../adapters/media-store";
import * as uploadStore from "../adapters/upload-store";
import { logs } from "../logs";

const BATCH = 200;

export async function sweepUploads(
  media: Pick<MediaStore, "remove">,
  nowMs = Date.now(),
  store: Pick<typeof uploadStore, "expiredUploads" | "deleteUpload"> = uploadStore,
): Promise<number> {
  let removed = 0;
  for (const upload of await store.expiredUploads(nowMs, BATCH)) {
    try {
      await media.remove(upload.key);
      await store.deleteUpload(upload.id);
      removed++;
    } catch (err) {
      logs.unexpected("sweepUploads", err, { uploadId: upload.id });
    }
  }
  if (removed) logs.uploadsSwept(removed);
  return removed;
}
