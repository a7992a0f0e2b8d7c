// Command line of `npm start -- [prompt] [--aspect …] …`. Values are checked later by the
// shared contract schema (through the client module), so only the syntax is handled here.
import { parseArgs } from "node:util";
import { extname } from "node:path";
import type { GenerateVideoInput, UploadContentType } from "../client";

export const DEFAULT_PROMPT = "A paper boat drifting down a rainy street at dusk, cinematic";

export const USAGE = `Usage: npm start -- [prompt] [options]

  prompt                 what to generate (default: "${DEFAULT_PROMPT}")
  --aspect 16:9|9:16     aspect ratio (default 9:16)
  --duration 4|6|8       seconds (default 8)
  --resolution 720p|1080p  (default 720p)
  --audio                generate audio
  --model standard|fast|lite  Veo model tier (default fast): price and quality
  --samples 1-4          videos in one request (default 1), each charged; undelivered ones refunded
  --image FILE           animate a local JPEG, PNG or WebP (it becomes the first frame)
  --enhance-prompt       let the model's prompt rewriter enrich the prompt (free; short prompts
                         come back rewritten and are printed)
  --timeout SECONDS      give up waiting for the video after this long (default 180)
  -h, --help             this text

Test directives of the local model, inside the prompt: [[policy]] [[permanent]]
[[transient:N]] [[slow:MS]] [[filtered:N]] (N of the videos filtered). Example: npm start -- "a cat [[policy]]"`;

export interface DemoArgs {
  input: GenerateVideoInput;
  /** `--image FILE`: uploaded with createUpload, then sent as `image`. */
  imageFile?: string;
  timeoutMs: number;
  help: boolean;
}

export class UsageError extends Error {}

export function parseDemoArgs(argv: string[]): DemoArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        aspect: { type: "string" },
        duration: { type: "string" },
        resolution: { type: "string" },
        audio: { type: "boolean", default: false },
        model: { type: "string" },
        samples: { type: "string" },
        image: { type: "string" },
        "enhance-prompt": { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const input: GenerateVideoInput = {
    prompt: positionals.length ? positionals.join(" ") : DEFAULT_PROMPT,
    generateAudio: values.audio,
  };
  // Unparsed strings go through as they are: the schema reports them as invalid fields.
  if (values.aspect !== undefined)
    input.aspectRatio = values.aspect as GenerateVideoInput["aspectRatio"];
  if (values.duration !== undefined)
    input.duration = numberOrText(values.duration) as GenerateVideoInput["duration"];
  if (values.resolution !== undefined)
    input.resolution = values.resolution as GenerateVideoInput["resolution"];
  if (values.model !== undefined) input.model = values.model as GenerateVideoInput["model"];
  if (values["enhance-prompt"]) input.enhancePrompt = true;
  if (values.samples !== undefined)
    input.sampleCount = numberOrText(values.samples) as GenerateVideoInput["sampleCount"];
  const timeout = values.timeout === undefined ? 180 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(`--timeout must be a positive number of seconds`);
  return {
    input,
    timeoutMs: timeout * 1000,
    help: values.help,
    ...(values.image !== undefined ? { imageFile: values.image } : {}),
  };
}

const numberOrText = (value: string): number | string =>
  /^\d+$/.test(value) ? Number(value) : value;

/** Whether the prompt asks the local model to fail (a failure is then the expected outcome). */
export function asksForFailure(prompt: string): boolean {
  return /\[\[(policy(:[a-z-]+)?|permanent)\]\]/.test(prompt);
}

const IMAGE_TYPES: Record<string, UploadContentType> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
};

/** The upload content type of an image file, by its extension (the server checks the bytes). */
export function imageTypeOf(file: string): UploadContentType {
  const type = IMAGE_TYPES[extname(file).toLowerCase()];
  if (!type) throw new UsageError(`--image must be a .jpg, .jpeg, .png or .webp file: ${file}`);
  return type;
}
