/**
 * The submission side of visual inputs: every upload and creation a request names must be the
 * caller's (someone else's reads exactly like a missing one), usable for the whole job, and the
 * combination must suit the model. Runs before the transaction: a refusal charges nothing.
 * Returns what the creation records (`inputs`): R2 keys the worker reads, never client data.
 */
import { HttpsError } from "firebase-functions/v2/https";
import type {
  CreationInputs,
  GenerateVideoRequest,
  ImageSource,
  InputRuleViolation,
  StoredImage,
} from "../contract";
import type { Creation } from "../domain/creation";
import {
  extendSourceViolations,
  hasVisualInputs,
  inputCapabilitiesOf,
  inputViolations,
} from "../domain/input-capabilities";
import { uploadRefusal, type UploadRecord } from "../domain/uploads";

export interface InputLookups {
  getCreation: (id: string) => Promise<Creation | null>;
  getUpload: (id: string) => Promise<UploadRecord | null>;
  /** How long a job may take at most (an upload must outlive it). */
  jobLimitMs: number;
  nowMs: number;
}

export interface ResolvedInputs {
  inputs: CreationInputs;
  /** Uploads the submission uses (marked used once it is accepted). */
  uploadIds: string[];
}

/** `invalid-argument` naming each field and the rule it broke. */
export function inputRefusal(violations: InputRuleViolation[]): HttpsError {
  return new HttpsError("invalid-argument", violations.map((v) => v.message).join(" "), {
    fields: [...new Set(violations.map((v) => v.field))],
    rules: violations,
  });
}

export async function resolveVisualInputs(
  userId: string,
  request: GenerateVideoRequest,
  modelId: string,
  lookups: InputLookups,
): Promise<ResolvedInputs | null> {
  if (!hasVisualInputs(request)) return null;
  const model = inputCapabilitiesOf(modelId);
  const shapeViolations = inputViolations(model, modelId, request);
  if (shapeViolations.length) throw inputRefusal(shapeViolations);

  const violations: InputRuleViolation[] = [];
  const uploadIds: string[] = [];
  const resolveImage = async (field: string, source: ImageSource): Promise<StoredImage | null> => {
    const found = await lookupImage(userId, source, lookups);
    if ("rule" in found) {
      violations.push({ field, ...found });
      return null;
    }
    if (found.kind === "upload") uploadIds.push(found.uploadId);
    return found;
  };

  const inputs: CreationInputs = {};
  if (request.image) {
    const image = await resolveImage("image", request.image);
    if (image) inputs.image = image;
  }
  if (request.lastFrame) {
    const image = await resolveImage("lastFrame", request.lastFrame);
    if (image) inputs.lastFrame = image;
  }
  if (request.referenceImages) {
    const refs = await Promise.all(
      request.referenceImages.map(async (ref, i) => {
        const image = await resolveImage(`referenceImages.${i}.image`, ref.image);
        return image && { ...image, referenceType: ref.referenceType };
      }),
    );
    inputs.referenceImages = refs.filter((r) => r !== null);
  }
  if (request.extend) {
    const source = await lookups.getCreation(request.extend.creationId);
    if (!source || source.userId !== userId) {
      violations.push(notFound("extend.creationId", "No such video of yours."));
    } else {
      const extendable =
        (source.status === "draft" || source.status === "published") && !!source.mediaPath;
      violations.push(...extendSourceViolations(model, { ...source, extendable }, request));
      if (source.mediaPath && model.extend)
        inputs.extend = {
          creationId: request.extend.creationId,
          mediaPath: source.mediaPath,
          addedSeconds: model.extend.addedSeconds,
        };
    }
  }
  if (violations.length) throw inputRefusal(violations);
  return { inputs, uploadIds: [...new Set(uploadIds)] };
}

const notFound = (field: string, message: string): InputRuleViolation => ({
  field,
  rule: "not-found",
  message,
});

const missing = (message: string) => ({ rule: "not-found", message });

async function lookupImage(
  userId: string,
  source: ImageSource,
  lookups: InputLookups,
): Promise<StoredImage | Omit<InputRuleViolation, "field">> {
  if (typeof source === "string") {
    const upload = await lookups.getUpload(source);
    const refusal = uploadRefusal(upload, userId, lookups.nowMs, lookups.jobLimitMs);
    if (refusal === "not-found" || !upload) return missing("No such upload of yours.");
    if (refusal === "expired")
      return {
        rule: "upload-expired",
        message: "This upload has expired; upload the image again.",
      };
    return {
      kind: "upload",
      uploadId: source,
      key: upload.key,
      contentType: upload.contentType,
      size: upload.size,
    };
  }
  const creation = await lookups.getCreation(source.creationId);
  if (!creation || creation.userId !== userId) return missing("No such video of yours.");
  if (!(creation.status === "draft" || creation.status === "published") || !creation.mediaPath)
    return {
      rule: "no-video",
      message: "Frames can only be taken from a draft or published video.",
    };
  return {
    kind: "frame",
    creationId: source.creationId,
    mediaPath: creation.mediaPath,
    frame: source.frame,
  };
}
