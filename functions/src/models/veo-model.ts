/**
 * Veo on Vertex AI through its REST endpoints (`predictLongRunning`, polled with
 * `fetchPredictOperation`) with google-auth-library for the bearer token:
 * `@google-cloud/aiplatform` has no call for `predictLongRunning`, and plain REST keeps the
 * exact request, timeout and error classification under our control.
 * The finished video is written by Veo to `storageUri/<creationId>/` in Cloud Storage and
 * streamed from there with `@google-cloud/storage` (both SDKs loaded lazily).
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Storage } from "@google-cloud/storage";
import { labelsFor } from "../config/deployment";
import { ModelError } from "../domain/failure";
import { DEFAULT_VIDEO_MODEL } from "../domain/video-capabilities";
import type {
  OperationStatus,
  VideoLocation,
  VideoModel,
  VideoRequest,
} from "../domain/video-model";
import { createGoogleAuth, type RequestHeadersSource } from "./google-auth";
import { veoInstance } from "./veo-inputs";
import {
  classifyHttpError,
  classifyNetworkError,
  classifyOperationError,
  supportCodesIn,
  type GoogleApiError,
} from "./veo-errors";

export const DEFAULT_VEO_MODEL = DEFAULT_VIDEO_MODEL;
/** Vertex AI request labels (billing): Veo spend shows under the infrastructure's labels. */
export const VEO_REQUEST_LABELS = labelsFor("generation");

export interface VeoModelOptions {
  project: string;
  /** Vertex AI region (default `us-central1`). */
  location?: string;
  /** Publisher model id (default: domain/video-capabilities.ts DEFAULT_VIDEO_MODEL). */
  modelId?: string;
  /** Base URL override, e.g. a local fake (default `https://{location}-aiplatform.googleapis.com`). */
  apiEndpoint?: string;
  /** gs:// prefix for Veo's output; each creation writes under `<prefix>/<creationId>/`. */
  storageUri: string;
  /** Auth client (default: Application Default Credentials, cloud-platform scope). */
  auth?: RequestHeadersSource;
  /** Per-request timeout for Vertex AI calls (default 30 s). */
  requestTimeoutMs?: number;
  /** Cloud Storage endpoint override (a fake or emulator); `STORAGE_EMULATOR_HOST` also works. */
  storageApiEndpoint?: string;
}

interface VeoVideo {
  gcsUri?: string;
  bytesBase64Encoded?: string;
  mimeType?: string;
  /** The rewritten prompt, when the rewriter ran and the prompt was short (as Imagen's `prompt`). */
  prompt?: string;
}

interface VeoOperation {
  name?: string;
  done?: boolean;
  error?: GoogleApiError;
  metadata?: { progressPercent?: number; [key: string]: unknown };
  response?: {
    "@type"?: string;
    raiMediaFilteredCount?: number;
    raiMediaFilteredReasons?: string[];
    videos?: VeoVideo[];
  };
}

const OPERATION_NAME =
  /^(projects\/[^/]+\/locations\/[^/]+\/publishers\/[^/]+\/models\/[^/]+)\/operations\/[^/]+$/;

export class VeoVideoModel implements VideoModel {
  readonly modelId: string;
  private readonly location: string;
  private readonly baseUrl: string;
  private readonly storagePrefix: string;
  private readonly timeoutMs: number;
  private authClient?: Promise<RequestHeadersSource>;
  private storage?: Promise<Storage>;

  constructor(private readonly options: VeoModelOptions) {
    if (!options.project) throw new Error("VeoVideoModel: project is required");
    if (!/^gs:\/\/[^/]+/.test(options.storageUri)) {
      throw new Error(
        `VeoVideoModel: storageUri must be a gs:// prefix, got ${options.storageUri}`,
      );
    }
    this.modelId = options.modelId ?? DEFAULT_VEO_MODEL;
    this.location = options.location ?? "us-central1";
    const host =
      this.location === "global"
        ? "aiplatform.googleapis.com"
        : `${this.location}-aiplatform.googleapis.com`;
    this.baseUrl = (options.apiEndpoint ?? `https://${host}`).replace(/\/+$/, "");
    this.storagePrefix = options.storageUri.replace(/\/+$/, "");
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** The tier's model, chosen at submission; the configured one for older creations. */
  modelFor(request: VideoRequest): string {
    return request.modelId ?? this.modelId;
  }

  async start(request: VideoRequest, _attempt: number): Promise<{ operationName: string }> {
    const parameters: Record<string, unknown> = {
      aspectRatio: request.aspectRatio,
      // With an extension Veo takes 8 here (and adds 7 s to the source): checked at submission.
      durationSeconds: request.duration,
      resolution: request.resolution,
      generateAudio: request.generateAudio,
      sampleCount: request.sampleCount ?? 1,
      storageUri: `${this.storagePrefix}/${request.creationId}/`,
    };
    if (request.negativePrompt) parameters.negativePrompt = request.negativePrompt;
    if (request.seed !== undefined) parameters.seed = request.seed;
    if (request.enhancePrompt !== undefined) parameters.enhancePrompt = request.enhancePrompt;
    const model = `projects/${this.options.project}/locations/${this.location}/publishers/google/models/${this.modelFor(request)}`;
    const operation = await this.post<VeoOperation>(
      `${model}:predictLongRunning`,
      "predictLongRunning",
      {
        instances: [
          await veoInstance(request, (video, contentType) =>
            this.copyToStorage(`${request.creationId}/inputs/source.mp4`, video, contentType),
          ),
        ],
        parameters,
        labels: VEO_REQUEST_LABELS,
      },
    );
    if (!operation.name) {
      throw new ModelError(
        "transient",
        "Vertex AI predictLongRunning: answer without an operation name",
        {
          call: "predictLongRunning",
        },
      );
    }
    return { operationName: operation.name };
  }

  async poll(operationName: string, _attempt: number): Promise<OperationStatus> {
    // Poll through the model the operation belongs to, even if the configured model changed since.
    const model = OPERATION_NAME.exec(operationName)?.[1];
    if (!model) {
      throw new ModelError("invalid", `not a Vertex AI model operation name: ${operationName}`, {
        operationName,
      });
    }
    const op = await this.post<VeoOperation>(
      `${model}:fetchPredictOperation`,
      "fetchPredictOperation",
      {
        operationName,
      },
    );
    if (!op.done) {
      const percent = op.metadata?.progressPercent;
      return typeof percent === "number"
        ? { done: false, progress: Math.min(1, Math.max(0, percent / 100)) }
        : { done: false };
    }
    if (op.error) throw classifyOperationError(op.error, operationName);

    const videos = op.response?.videos ?? [];
    const stored = videos.filter((v) => v.gcsUri);
    const filtered = op.response?.raiMediaFilteredCount ?? 0;
    const reasons = op.response?.raiMediaFilteredReasons ?? [];
    if (stored.length) {
      const delivered = stored.map((v) => ({
        uri: v.gcsUri!,
        contentType: v.mimeType ?? "video/mp4",
      }));
      const enhancedPrompt = stored.find((v) => typeof v.prompt === "string" && v.prompt)?.prompt;
      // Some samples passed: deliver them; the worker refunds the filtered ones.
      return {
        done: true,
        video: delivered[0],
        videos: delivered,
        ...(filtered > 0 ? { filtered: { count: filtered, reasons } } : {}),
        ...(enhancedPrompt ? { enhancedPrompt } : {}),
      };
    }
    if (filtered > 0) {
      throw new ModelError(
        "policy",
        `Veo filtered the video for content policy: ${reasons.join("; ") || "no reason given"}`,
        {
          operationName,
          raiMediaFilteredCount: filtered,
          raiMediaFilteredReasons: reasons,
          supportCodes: supportCodesIn(reasons),
        },
      );
    }
    // Done without a video or a filter count: polling again cannot change a finished operation.
    throw new ModelError(
      "invalid",
      videos.length > 0
        ? "Veo returned the video inline instead of in Cloud Storage"
        : "Veo finished without a video",
      { operationName, videoCount: videos.length },
    );
  }

  async openVideo(video: VideoLocation): Promise<Readable> {
    const { bucket, object } = parseGcsUri(video.uri);
    const storage = await this.getStorage();
    return storage.bucket(bucket).file(object).createReadStream();
  }

  /**
   * Streams an input video into the output bucket (its 1-day lifecycle removes it), where Veo
   * reads it; a failed copy is transient (the start is retried).
   */
  private async copyToStorage(
    object: string,
    video: Readable,
    contentType: string,
  ): Promise<string> {
    const uri = `${this.storagePrefix}/${object}`;
    const target = parseGcsUri(uri);
    const storage = await this.getStorage();
    const file = storage.bucket(target.bucket).file(target.object);
    try {
      await pipeline(video, file.createWriteStream({ resumable: false, contentType }));
    } catch (error) {
      throw classifyNetworkError(error, "copy input video to Cloud Storage");
    }
    return uri;
  }

  async discardVideo(video: VideoLocation): Promise<void> {
    const { bucket, object } = parseGcsUri(video.uri);
    const storage = await this.getStorage();
    await storage.bucket(bucket).file(object).delete({ ignoreNotFound: true });
  }

  private async post<T>(path: string, call: string, body: unknown): Promise<T> {
    const url = `${this.baseUrl}/v1/${path}`;
    let headers: Headers;
    try {
      headers = new Headers(await (await this.getAuth()).getRequestHeaders(url));
    } catch (error) {
      throw classifyNetworkError(error, `${call} (auth)`);
    }
    headers.set("content-type", "application/json");
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw classifyNetworkError(error, call);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (status < 200 || status >= 300) {
      throw classifyHttpError(
        status,
        (json as { error?: GoogleApiError } | undefined)?.error ?? { message: text.slice(0, 300) },
        call,
      );
    }
    if (typeof json !== "object" || json === null) {
      throw new ModelError("transient", `Vertex AI ${call}: unreadable answer (HTTP ${status})`, {
        call,
        status,
      });
    }
    return json as T;
  }

  private getAuth(): Promise<RequestHeadersSource> {
    if (this.options.auth) return Promise.resolve(this.options.auth);
    this.authClient ??= createGoogleAuth().catch((error: unknown) => {
      this.authClient = undefined;
      throw error;
    });
    return this.authClient;
  }

  private getStorage(): Promise<Storage> {
    this.storage ??= import("@google-cloud/storage").then(
      ({ Storage }) =>
        new Storage({
          projectId: this.options.project,
          ...(this.options.storageApiEndpoint
            ? { apiEndpoint: this.options.storageApiEndpoint }
            : {}),
        }),
    );
    return this.storage;
  }
}

export function parseGcsUri(uri: string): { bucket: string; object: string } {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new ModelError("invalid", `not a gs:// object URI: ${uri}`, { uri });
  return { bucket: match[1], object: match[2] };
}
