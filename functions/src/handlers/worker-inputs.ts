/**
 * The worker side of visual inputs: before the model is asked for anything (and paid), every
 * input the creation records is loaded and checked. An upload must really be the image it was
 * declared as (magic number, dimensions, size, complete; a WebP is converted to PNG, which Veo
 * reads); a frame is cut from the user's video;
 * a video to extend is handed over as a stream. Anything unusable is an InputError: the job
 * ends `failed`, refunded, with words naming the input.
 */
import { MAX_UPLOAD_BYTES, type CreationInputs, type StoredImage } from "../contract";
import { InputError } from "../domain/failure";
import { checkImage } from "../domain/image-probe";
import type { InputImage, ModelInputs } from "../domain/video-model";
import type { MediaStore } from "../adapters/media-store";
import type { grabFrame, toPng } from "../models/local-render";

export interface InputSources {
  media: Pick<MediaStore, "readSmall" | "openObject" | "signedUrl">;
  grabFrame: typeof grabFrame;
  toPng: typeof toPng;
}

/** Lifetime of the link ffmpeg reads a source video through. */
const FRAME_LINK_SECONDS = 300;

const FIELD_NAMES: Record<string, string> = {
  image: "image",
  lastFrame: "last frame",
  extend: "video to extend",
};

export async function loadInputs(
  inputs: CreationInputs,
  sources: InputSources,
): Promise<ModelInputs> {
  const out: ModelInputs = {};
  if (inputs.image) out.image = await loadImage("image", inputs.image, sources);
  if (inputs.lastFrame) out.lastFrame = await loadImage("lastFrame", inputs.lastFrame, sources);
  if (inputs.referenceImages) {
    out.referenceImages = [];
    for (const [i, ref] of inputs.referenceImages.entries()) {
      const image = await loadImage(`reference image ${i + 1}`, ref, sources);
      out.referenceImages.push({ image, referenceType: ref.referenceType });
    }
  }
  if (inputs.extend) {
    const { mediaPath, addedSeconds } = inputs.extend;
    out.extend = {
      open: async () => {
        try {
          return await sources.media.openObject(mediaPath);
        } catch (err) {
          throw new InputError(FIELD_NAMES.extend, `the video is gone (${String(err)})`);
        }
      },
      contentType: "video/mp4",
      addedSeconds,
    };
  }
  return out;
}

async function loadImage(
  field: string,
  stored: StoredImage,
  sources: InputSources,
): Promise<InputImage> {
  const name = FIELD_NAMES[field] ?? field;
  if (stored.kind === "frame") {
    const { url } = await sources.media.signedUrl(stored.mediaPath, FRAME_LINK_SECONDS);
    let png: Buffer;
    try {
      png = await sources.grabFrame(url, stored.frame);
    } catch {
      throw new InputError(name, `the ${stored.frame} frame of the video could not be read`);
    }
    return { bytes: png, mimeType: "image/png" };
  }
  const found = await sources.media.readSmall(stored.key, MAX_UPLOAD_BYTES);
  if (!found) throw new InputError(name, "the upload was never completed (no file)");
  if ("tooLarge" in found)
    throw new InputError(name, `the file is larger than ${MAX_UPLOAD_BYTES} bytes`);
  const check = checkImage(found.bytes, { contentType: stored.contentType, size: stored.size });
  if (!check.ok) throw new InputError(name, check.problem);
  // Veo reads JPEG and PNG only: a WebP (checked above) goes over as PNG.
  if (check.facts.contentType === "image/webp")
    return { bytes: await sources.toPng(found.bytes), mimeType: "image/png" };
  return { bytes: found.bytes, mimeType: check.facts.contentType };
}
