/**
 * The embedded video model used when no Vertex project is configured. It behaves like Veo
 * (a long-running operation: start once, poll by name) but renders locally with ffmpeg.
 * Operation state lives on disk, so any worker process (the emulator runs several) can
 * poll an operation another one started. Honours the test directives of test-directives.ts.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import type { FilterCategory } from "../contract";
import { ModelError } from "../domain/failure";
import { supportCodeOf, supportCodesIn } from "../domain/filter-reasons";
import type {
  InputImage,
  ModelInputs,
  OperationStatus,
  VideoLocation,
  VideoModel,
  VideoRequest,
} from "../domain/video-model";
import { rewritePrompt } from "./local-prompt-rewriter";
import { extendVideo, renderVideo, type RenderOptions } from "./local-render";
import { parseTestDirectives, type TestDirectives } from "./test-directives";

export const LOCAL_MODEL_ID = "local-ffmpeg";
export const DEFAULT_LOCAL_STATE_DIR = path.join(os.tmpdir(), "phoenix-local-model");
const OPERATION_PREFIX = "local-operations/";
/**
 * What the local model reports for a filtered video: a Veo-like reason with one of Google's
 * support codes for the category the prompt names, else 00000000 (a code Google does not list:
 * the `unknown` category).
 */
function simulatedFilterReason(category: string | undefined): string {
  const code = (category && supportCodeOf(category as FilterCategory)) || "00000000";
  return `Simulated by a test directive: the generated video violated the usage guidelines. Support codes: ${code}`;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface LocalModelOptions extends RenderOptions {
  /** Where operation records and rendered videos live; shared by all worker processes. */
  stateDir?: string;
  /** How long an operation runs when the prompt has no `[[slow:MS]]` (default 2000 ms). */
  renderDelayMs?: number;
  /** Instead of renderDelayMs: each operation renders for a random time in this range (imitates Veo's 60-120 s). */
  renderDelayRangeMs?: { min: number; max: number };
  /** Clock, for tests. */
  now?: () => number;
}

/** Input files of an operation (written at start, so any worker process can render it). */
interface InputFiles {
  firstFrame?: string;
  lastFrame?: string;
  references?: string[];
  extendSource?: string;
  addedSeconds?: number;
}

interface OperationRecord {
  name: string;
  /** The request without its input bytes (those are in `inputs`). */
  request: Omit<VideoRequest, "inputs">;
  inputs?: InputFiles;
  text: string;
  directives: TestDirectives;
  startedAt: number;
  readyAt: number;
  /** `[[dead:N]]`: this operation finishes with a retryable error instead of a video. */
  dead?: boolean;
}

export class LocalVideoModel implements VideoModel {
  readonly modelId = LOCAL_MODEL_ID;
  readonly stateDir: string;
  private readonly renderDelayMs: number;
  private readonly renderDelayRangeMs?: { min: number; max: number };
  private readonly now: () => number;
  /** Renders in flight in this process, so concurrent polls here share one ffmpeg run. */
  private readonly rendering = new Map<string, Promise<void>>();

  constructor(private readonly options: LocalModelOptions = {}) {
    this.stateDir = path.resolve(options.stateDir ?? DEFAULT_LOCAL_STATE_DIR);
    this.renderDelayMs = options.renderDelayMs ?? 2000;
    this.renderDelayRangeMs = options.renderDelayRangeMs;
    this.now = options.now ?? Date.now;
  }

  private nextRenderDelayMs(): number {
    const range = this.renderDelayRangeMs;
    return range ? range.min + Math.random() * (range.max - range.min) : this.renderDelayMs;
  }

  async start(request: VideoRequest, attempt: number): Promise<{ operationName: string }> {
    const { directives, text } = parseTestDirectives(request.prompt);
    if (attempt < directives.transientAttempts) {
      throw new ModelError(
        "transient",
        `local model: 503 UNAVAILABLE (simulated 429/503, attempt ${attempt + 1} of ${directives.transientAttempts} failing)`,
        { status: 503, simulated: true, attempt },
      );
    }
    if (directives.permanent) {
      throw new ModelError("invalid", "local model: 400 INVALID_ARGUMENT (simulated)", {
        status: 400,
        code: "INVALID_ARGUMENT",
        simulated: true,
      });
    }
    const id = randomUUID();
    const startedAt = this.now();
    const { inputs, ...plain } = request;
    const record: OperationRecord = {
      name: OPERATION_PREFIX + id,
      request: plain,
      ...(inputs ? { inputs: await this.saveInputs(id, inputs) } : {}),
      text,
      directives,
      startedAt,
      readyAt: startedAt + (directives.slowMs ?? this.nextRenderDelayMs()),
      dead: attempt < directives.deadOperations,
    };
    await mkdir(this.dir("operations"), { recursive: true });
    await writeAtomically(this.recordPath(id), JSON.stringify(record));
    return { operationName: record.name };
  }

  async poll(operationName: string, _attempt: number): Promise<OperationStatus> {
    const id = this.idOf(operationName);
    const record = await this.readRecord(id, operationName);
    const now = this.now();
    if (now < record.readyAt) {
      const span = Math.max(1, record.readyAt - record.startedAt);
      return {
        done: false,
        progress: Math.min(0.99, Math.max(0, (now - record.startedAt) / span)),
      };
    }
    if (record.dead) {
      // Like a Veo operation that ended with a google.rpc.Status such as UNAVAILABLE.
      throw new ModelError(
        "transient",
        "local model: operation finished with code 14 UNAVAILABLE (simulated by [[dead:N]])",
        { rpcCode: 14, operationName, operationFinished: true, simulated: true },
      );
    }
    const asked = record.request.sampleCount ?? 1;
    const filtered = record.directives.policy
      ? asked
      : Math.min(asked, record.directives.filteredVideos);
    const reasons = Array.from({ length: filtered }, () =>
      simulatedFilterReason(record.directives.filterCategory),
    );
    if (filtered === asked) {
      throw new ModelError(
        "policy",
        "local model: the video was filtered for content policy (simulated)",
        {
          raiMediaFilteredCount: filtered,
          raiMediaFilteredReasons: reasons,
          supportCodes: supportCodesIn(reasons),
          simulated: true,
        },
      );
    }
    const files = Array.from({ length: asked - filtered }, (_, index) => this.videoPath(id, index));
    await this.renderOnce(id, record, files);
    const seed = record.request.seed;
    const videos = files.map((file, index) => ({
      uri: file,
      contentType: "video/mp4",
      ...(seed !== undefined ? { seed: (seed + index) % 2 ** 32 } : {}),
    }));
    // The rewriter runs only when asked for: the local model's default is off.
    const enhancedPrompt = record.request.enhancePrompt ? rewritePrompt(record.text) : undefined;
    return {
      done: true,
      video: videos[0],
      videos,
      ...(filtered ? { filtered: { count: filtered, reasons } } : {}),
      ...(enhancedPrompt ? { enhancedPrompt } : {}),
    };
  }

  async openVideo(video: VideoLocation): Promise<Readable> {
    const file = this.ownFile(video.uri);
    await stat(file); // fail here (ENOENT) rather than later inside the stream
    return createReadStream(file);
  }

  async discardVideo(video: VideoLocation): Promise<void> {
    await rm(this.ownFile(video.uri), { force: true });
  }

  /** Renders the operation's missing files, one after another (2 cores: never in parallel). */
  private renderOnce(id: string, record: OperationRecord, files: string[]): Promise<void> {
    let job = this.rendering.get(id);
    if (!job) {
      job = (async () => {
        await mkdir(this.dir("videos"), { recursive: true });
        const inputs = record.inputs ?? {};
        for (const [index, file] of files.entries()) {
          if (await exists(file)) continue;
          const seed = record.request.seed;
          const spec = {
            text: record.text || " ",
            aspectRatio: record.request.aspectRatio,
            durationSeconds: record.request.duration,
            audio: record.request.generateAudio,
            // Each sample looks different, as Veo's do (the first as a single video would).
            seed: seed === undefined ? index || undefined : (seed + index) % 2 ** 32,
          };
          try {
            if (inputs.extendSource) {
              const added = {
                ...spec,
                durationSeconds: inputs.addedSeconds ?? spec.durationSeconds,
              };
              await extendVideo(inputs.extendSource, added, file, this.options);
            } else {
              const { firstFrame, lastFrame, references } = inputs;
              await renderVideo({ ...spec, firstFrame, lastFrame, references }, file, this.options);
            }
          } catch (error) {
            throw new ModelError(
              "transient",
              `local model: render failed: ${(error as Error).message}`,
              { operationName: record.name },
            );
          }
        }
        await rm(this.inputDir(id), { recursive: true, force: true });
      })().finally(() => this.rendering.delete(id));
      this.rendering.set(id, job);
    }
    return job;
  }

  /** Writes the inputs where every worker process finds them; the video to extend is streamed. */
  private async saveInputs(id: string, inputs: ModelInputs): Promise<InputFiles> {
    const dir = this.inputDir(id);
    await mkdir(dir, { recursive: true });
    const save = async (name: string, image: InputImage) => {
      const file = path.join(dir, `${name}.${image.mimeType.split("/")[1]}`);
      await writeFile(file, image.bytes);
      return file;
    };
    const files: InputFiles = {};
    if (inputs.image) files.firstFrame = await save("first", inputs.image);
    if (inputs.lastFrame) files.lastFrame = await save("last", inputs.lastFrame);
    if (inputs.referenceImages) {
      files.references = [];
      for (const [i, ref] of inputs.referenceImages.entries())
        files.references.push(await save(`reference-${i}`, ref.image));
    }
    if (inputs.extend) {
      files.extendSource = path.join(dir, "source.mp4");
      await pipeline(await inputs.extend.open(), createWriteStream(files.extendSource));
      files.addedSeconds = inputs.extend.addedSeconds;
    }
    return files;
  }

  private inputDir(id: string): string {
    return path.join(this.stateDir, "inputs", id);
  }

  private idOf(operationName: string): string {
    const id = operationName.startsWith(OPERATION_PREFIX)
      ? operationName.slice(OPERATION_PREFIX.length)
      : "";
    if (!UUID.test(id)) {
      throw new ModelError("invalid", `local model: not a local operation name: ${operationName}`, {
        operationName,
      });
    }
    return id;
  }

  private async readRecord(id: string, operationName: string): Promise<OperationRecord> {
    try {
      return JSON.parse(await readFile(this.recordPath(id), "utf8")) as OperationRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new ModelError("invalid", `local model: operation not found: ${operationName}`, {
          operationName,
          status: 404,
        });
      }
      throw error;
    }
  }

  /** Only files this model rendered may be opened or deleted through it. */
  private ownFile(uri: string): string {
    const file = path.resolve(uri);
    if (path.dirname(file) !== this.dir("videos")) {
      throw new ModelError("invalid", `local model: not a local video: ${uri}`, { uri });
    }
    return file;
  }

  private dir(kind: "operations" | "videos"): string {
    return path.join(this.stateDir, kind);
  }

  private recordPath(id: string): string {
    return path.join(this.dir("operations"), `${id}.json`);
  }

  private videoPath(id: string, index = 0): string {
    return path.join(this.dir("videos"), `${id}${index === 0 ? "" : `-${index}`}.mp4`);
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
