/**
 * Picks the video model adapter: Veo on Vertex AI when a Vertex project is configured,
 * otherwise the embedded local model. Each adapter module is loaded only when chosen.
 */
import type { VideoModel } from "../domain/video-model";

// require(), not import(): tsc turns import() into require() for the build anyway, but the
// tests run the TypeScript through tsx's CommonJS hook, which cannot resolve a relative
// import() of a .ts file.
/* eslint-disable @typescript-eslint/no-require-imports */
const loadLocal = () => require("./local-model") as typeof import("./local-model");
const loadVeo = () => require("./veo-model") as typeof import("./veo-model");
const loadAuth = () => require("./google-auth") as typeof import("./google-auth");
/* eslint-enable @typescript-eslint/no-require-imports */

export interface VideoModelConfig {
  /** Empty or undefined selects the local model, where it is allowed. */
  vertexProject?: string;
  /** The local model (and its test directives) exists only in the emulator and in tests. */
  allowLocalModel?: boolean;
  vertexLocation?: string;
  veoModelId?: string;
  /** gs:// prefix for Veo's temporary output (required with a Vertex project). */
  veoStorageUri?: string;
  /** Base URL override for Vertex AI (local fake). */
  vertexApiEndpoint?: string;
  /** Cloud Storage endpoint override (local fake). */
  storageApiEndpoint?: string;
  /** Service-account key and token URL, for the local fake only; production uses ADC. */
  vertexCredentials?: { client_email: string; private_key: string; [key: string]: unknown };
  vertexTokenUrl?: string;
  localStateDir?: string;
  localRenderDelayMs?: number;
  localRenderDelayRangeMs?: { min: number; max: number };
}

export async function createVideoModel(config: VideoModelConfig): Promise<VideoModel> {
  if (!config.vertexProject) {
    if (config.allowLocalModel === false) {
      throw new Error(
        "no Vertex project configured, and the local model runs only in the emulator",
      );
    }
    const { LocalVideoModel } = loadLocal();
    return new LocalVideoModel({
      stateDir: config.localStateDir,
      renderDelayMs: config.localRenderDelayMs,
      renderDelayRangeMs: config.localRenderDelayRangeMs,
    });
  }
  if (!config.veoStorageUri) throw new Error("veoStorageUri is required with a Vertex project");
  const { VeoVideoModel } = loadVeo();
  let auth;
  if (config.vertexCredentials || config.vertexTokenUrl) {
    const { createGoogleAuth } = loadAuth();
    auth = await createGoogleAuth({
      credentials: config.vertexCredentials,
      tokenUrl: config.vertexTokenUrl,
    });
  }
  return new VeoVideoModel({
    project: config.vertexProject,
    location: config.vertexLocation,
    modelId: config.veoModelId,
    apiEndpoint: config.vertexApiEndpoint,
    storageUri: config.veoStorageUri,
    storageApiEndpoint: config.storageApiEndpoint,
    auth,
  });
}

/** Which adapter an operation name belongs to, so a resumed job polls the one that started it. */
export function isLocalOperation(operationName: string): boolean {
  return operationName.startsWith("local-operations/");
}
