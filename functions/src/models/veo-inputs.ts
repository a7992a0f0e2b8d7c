/**
 * The visual inputs of a Veo request (Vertex AI `VideoGenerationModelInstance`): `image`,
 * `lastFrame` and `referenceImages[].image` inline as `bytesBase64Encoded` (uploads are capped
 * at 8 MiB, well inside a request), and the video to extend as a `gcsUri`: Veo reads videos
 * from Cloud Storage only, so the source is streamed there first (bounded memory).
 */
import type { Readable } from "node:stream";
import type { InputImage, ModelInputs, VideoRequest } from "../domain/video-model";

type Inline = { bytesBase64Encoded: string; mimeType: string };

const inline = (image: InputImage): Inline => ({
  bytesBase64Encoded: image.bytes.toString("base64"),
  mimeType: image.mimeType,
});

/** Streams a video into Cloud Storage and returns its gs:// URI. */
export type CopyToStorage = (video: Readable, contentType: string) => Promise<string>;

export interface VeoInstance {
  prompt: string;
  image?: Inline;
  lastFrame?: Inline;
  referenceImages?: { image: Inline; referenceType: string }[];
  video?: { gcsUri: string; mimeType: string };
}

export async function veoInstance(
  request: VideoRequest,
  copyToStorage: CopyToStorage,
): Promise<VeoInstance> {
  const instance: VeoInstance = { prompt: request.prompt };
  const inputs: ModelInputs = request.inputs ?? {};
  if (inputs.image) instance.image = inline(inputs.image);
  if (inputs.lastFrame) instance.lastFrame = inline(inputs.lastFrame);
  if (inputs.referenceImages)
    instance.referenceImages = inputs.referenceImages.map((ref) => ({
      image: inline(ref.image),
      referenceType: ref.referenceType,
    }));
  if (inputs.extend) {
    const { contentType } = inputs.extend;
    const gcsUri = await copyToStorage(await inputs.extend.open(), contentType);
    instance.video = { gcsUri, mimeType: contentType };
  }
  return instance;
}
