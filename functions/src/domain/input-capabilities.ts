/**
 * Which visual inputs each model takes, per the Vertex AI Veo pages (Veo 3.1 and 3.1 Fast: image,
 * first and last frame, up to 3 asset reference images at 8 s, extension by 7 s at 720p; 3.1
 * Lite: image, first and last frame; Veo 3.0: image only; Veo 2: image, last frame, extension),
 * and the rules a request with inputs must keep.
 * Checked at submission, before any charge; each refusal names the field and the rule.
 */
import {
  EXTENSION_SECONDS,
  type Duration,
  type InputRuleViolation,
  type Resolution,
  type VisualInputs,
} from "../contract";
import type { VideoModelId } from "./video-capabilities";

export interface InputCapabilities {
  image: boolean;
  /** Needs `image` too (interpolation between two frames). */
  lastFrame: boolean;
  /** Reference images by type (0: not supported) and the durations they allow. */
  referenceImages: { asset: number; style: number; durations: readonly Duration[] };
  /** Extension of an earlier video: the resolutions it works at and the seconds it adds. */
  extend: { resolutions: readonly Resolution[]; addedSeconds: number } | null;
}

const VEO_3_1: InputCapabilities = {
  image: true,
  lastFrame: true,
  referenceImages: { asset: 3, style: 0, durations: [8] },
  extend: { resolutions: ["720p"], addedSeconds: EXTENSION_SECONDS },
};
const VEO_3_0: InputCapabilities = {
  image: true,
  lastFrame: false,
  referenceImages: { asset: 0, style: 0, durations: [] },
  extend: null,
};

export const INPUT_CAPABILITIES: Record<VideoModelId, InputCapabilities> = {
  "veo-3.1-generate-001": VEO_3_1,
  "veo-3.1-fast-generate-001": VEO_3_1,
  // Lite: image-to-video and first/last frame only (no references, no extension).
  "veo-3.1-lite-generate-001": { ...VEO_3_0, lastFrame: true },
  "veo-3.0-generate-001": VEO_3_0,
  "veo-3.0-fast-generate-001": VEO_3_0,
  "veo-2.0-generate-001": {
    image: true,
    lastFrame: true,
    referenceImages: { asset: 0, style: 0, durations: [] },
    extend: { resolutions: ["720p"], addedSeconds: EXTENSION_SECONDS },
  },
};

/** No inputs at all: what an unknown model id is assumed to take. */
const TEXT_ONLY: InputCapabilities = {
  image: false,
  lastFrame: false,
  referenceImages: { asset: 0, style: 0, durations: [] },
  extend: null,
};

export function inputCapabilitiesOf(modelId: string): InputCapabilities {
  return Object.hasOwn(INPUT_CAPABILITIES, modelId)
    ? INPUT_CAPABILITIES[modelId as VideoModelId]
    : TEXT_ONLY;
}

export function hasVisualInputs(inputs: VisualInputs): boolean {
  return Boolean(inputs.image || inputs.lastFrame || inputs.referenceImages || inputs.extend);
}

interface RequestShape extends VisualInputs {
  duration: Duration;
  resolution: Resolution;
}

/** The rules a request's visual inputs break on this model (empty: acceptable). */
export function inputViolations(
  model: InputCapabilities,
  modelId: string,
  request: RequestShape,
): InputRuleViolation[] {
  const out: InputRuleViolation[] = [];
  const add = (field: string, rule: string, message: string) => out.push({ field, rule, message });
  if (request.image && !model.image) {
    add("image", "model-unsupported", `${modelId} does not take an input image.`);
  }
  if (request.lastFrame) {
    if (!model.lastFrame)
      add("lastFrame", "model-unsupported", `${modelId} does not take a last frame.`);
    else if (!request.image)
      add("lastFrame", "needs-image", "A last frame needs an image (the first frame) too.");
  }
  if (request.referenceImages) referenceRules(model, modelId, request, add);
  if (request.extend) extendRules(model, modelId, request, add);
  return out;
}

type Add = (field: string, rule: string, message: string) => void;

function referenceRules(
  model: InputCapabilities,
  modelId: string,
  request: RequestShape,
  add: Add,
): void {
  const refs = request.referenceImages ?? [];
  const { asset, style, durations } = model.referenceImages;
  if (asset + style === 0) {
    add("referenceImages", "model-unsupported", `${modelId} does not take reference images.`);
    return;
  }
  const count = (type: string) => refs.filter((r) => r.referenceType === type).length;
  if (count("asset") > asset)
    add("referenceImages", "too-many-asset", `${modelId} takes at most ${asset} asset images.`);
  if (count("style") > style)
    add("referenceImages", "too-many-style", `${modelId} takes at most ${style} style images.`);
  if (!durations.includes(request.duration))
    add(
      "duration",
      "reference-duration",
      `Reference images need a ${durations.join("/")} s video.`,
    );
  if (request.image || request.lastFrame || request.extend)
    add(
      "referenceImages",
      "exclusive",
      "Reference images cannot be combined with image, lastFrame or extend.",
    );
}

function extendRules(
  model: InputCapabilities,
  modelId: string,
  request: RequestShape,
  add: Add,
): void {
  if (!model.extend) {
    add("extend", "model-unsupported", `${modelId} cannot extend a video.`);
    return;
  }
  if (!model.extend.resolutions.includes(request.resolution))
    add(
      "resolution",
      "extend-resolution",
      `An extension is made at ${model.extend.resolutions.join("/")} only.`,
    );
  if (request.duration !== 8)
    add(
      "duration",
      "extend-duration",
      `An extension adds ${model.extend.addedSeconds} s and is requested with duration 8.`,
    );
  if (request.image || request.lastFrame)
    add("extend", "exclusive", "An extension cannot be combined with image or lastFrame.");
}

/** The source video of an extension must match the new request (Veo continues it as is). */
export function extendSourceViolations(
  model: InputCapabilities,
  source: { resolution: Resolution; aspectRatio: string; extendable: boolean },
  request: { aspectRatio: string },
): InputRuleViolation[] {
  const out: InputRuleViolation[] = [];
  if (!source.extendable)
    out.push({
      field: "extend.creationId",
      rule: "not-extendable",
      message: "Only a draft or published video with its media can be extended.",
    });
  if (model.extend && !model.extend.resolutions.includes(source.resolution))
    out.push({
      field: "extend.creationId",
      rule: "extend-resolution",
      message: `Only a ${model.extend.resolutions.join("/")} video can be extended.`,
    });
  if (source.aspectRatio !== request.aspectRatio)
    out.push({
      field: "aspectRatio",
      rule: "extend-aspect-ratio",
      message: `An extension keeps the source's aspect ratio (${source.aspectRatio}).`,
    });
  return out;
}
