/**
 * Renders the local model's video with the static ffmpeg from `@ffmpeg-installer/ffmpeg`:
 * the prompt over a background whose colours come from a hash of the prompt, with a
 * moving square so the clip visibly plays. Reduced resolution and low fps keep a clip
 * at a fraction of a CPU second.
 */
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AspectRatio } from "../contract";

export interface RenderSpec {
  text: string;
  aspectRatio: AspectRatio;
  durationSeconds: number;
  audio: boolean;
  seed?: number;
  /** Image files: the first frame, the last frame (cross-faded to), reference images (shown as thumbnails). */
  firstFrame?: string;
  lastFrame?: string;
  references?: string[];
}

export interface RenderOptions {
  /** Defaults to the binary shipped by `@ffmpeg-installer/ffmpeg` (loaded lazily). */
  ffmpegPath?: string;
  /** A TrueType font for drawtext; defaults to the DejaVu Sans shipped in functions/assets. */
  fontFile?: string;
  fps?: number;
}

/** Shipped with the code so rendering works on machines without system fonts. */
export const DEFAULT_FONT_FILE = path.resolve(__dirname, "../../assets/fonts/DejaVuSans.ttf");

export const FRAME_SIZE: Record<AspectRatio, { width: number; height: number }> = {
  "16:9": { width: 640, height: 360 },
  "9:16": { width: 360, height: 640 },
};

/** ffmpeg's quiet, non-interactive start: errors only, never a prompt. */
export const FFMPEG_QUIET_ARGS = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] as const;

/** H.264 in a streamable MP4 (moov first), fast to encode: what every local clip is made of. */
export const H264_MP4_ARGS = [
  "-c:v",
  "libx264",
  "-preset",
  "ultrafast",
  "-pix_fmt",
  "yuv420p",
  "-movflags",
  "+faststart",
] as const;

export function ffmpegBinary(): string {
  // Lazy: only the local model pays for resolving the binary.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const installer = require("@ffmpeg-installer/ffmpeg") as { path: string };
  return installer.path;
}

/** Greedy word wrap; long words are cut so nothing runs off the frame. */
export function wrapText(text: string, maxChars: number, maxLines: number): string {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (let word of paragraph.split(/\s+/).filter(Boolean)) {
      while (word.length > maxChars) {
        if (line) lines.push(line);
        lines.push(word.slice(0, maxChars));
        word = word.slice(maxChars);
        line = "";
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= maxChars) line += " " + word;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = lines[maxLines - 1].slice(0, Math.max(0, maxChars - 1)) + "…";
  }
  return lines.join("\n") || " ";
}

function colourFrom(hash: Buffer, offset: number, dark: boolean): string {
  const channel = (i: number) => {
    const v = hash[offset + i];
    return dark ? 40 + (v % 120) : 150 + (v % 105);
  };
  return "0x" + [0, 1, 2].map((i) => channel(i).toString(16).padStart(2, "0")).join("");
}

/** Escapes a value for use inside a single-quoted filtergraph option. */
function filterValue(value: string): string {
  return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "'\\''").replace(/:/g, "\\:") + "'";
}

/**
 * Renders to `outFile` atomically: ffmpeg writes a temporary file next to it which is
 * renamed into place, so concurrent renders of the same operation never expose a
 * half-written MP4 (the last rename wins with an equally valid file).
 */
export async function renderVideo(
  spec: RenderSpec,
  outFile: string,
  options: RenderOptions = {},
): Promise<void> {
  const fps = options.fps ?? 15;
  const { width, height } = FRAME_SIZE[spec.aspectRatio];
  const d = spec.durationSeconds;
  const hash = createHash("sha256")
    .update(`${spec.text}\u0000${spec.seed ?? ""}`)
    .digest();
  const fontFile = options.fontFile ?? DEFAULT_FONT_FILE;
  if (!existsSync(fontFile)) throw new Error(`font file not found: ${fontFile}`);

  const tag = randomUUID();
  const textFile = `${outFile}.${tag}.txt`;
  const tmpFile = `${outFile}.${tag}.tmp.mp4`;
  const fontSize = Math.round(Math.min(width, height) / 15);
  const maxChars = Math.floor((width * 0.86) / (fontSize * 0.58));
  await writeFile(textFile, wrapText(spec.text, maxChars, spec.aspectRatio === "9:16" ? 12 : 6));

  const box = Math.round(Math.min(width, height) / 5);
  const periodX = 2 + (hash[6] % 4);
  const periodY = 3 + (hash[7] % 4);
  const args: string[] = [...FFMPEG_QUIET_ARGS];
  const image = (file: string) =>
    args.push("-loop", "1", "-framerate", String(fps), "-t", String(d), "-i", file);
  let inputs = 0;
  const nextInput = () => inputs++;
  if (spec.firstFrame) image(spec.firstFrame);
  else
    args.push(
      "-f",
      "lavfi",
      "-i",
      `color=c=${colourFrom(hash, 0, true)}:s=${width}x${height}:r=${fps}:d=${d}`,
    );
  const bg = nextInput();
  args.push(
    "-f",
    "lavfi",
    "-i",
    `color=c=${colourFrom(hash, 3, false)}:s=${box}x${box}:r=${fps}:d=${d}`,
  );
  const square = nextInput();
  const filters: string[] = [`[${bg}:v]${fillFrame(width, height, fps)}[bg0]`];
  let base = "bg0";
  if (spec.lastFrame) {
    image(spec.lastFrame);
    const last = nextInput();
    // Cross-fade over the clip; the last second is the last frame alone.
    const w = `clip(T/${Math.max(d - 1, 0.5)}\\,0\\,1)`;
    filters.push(
      `[${last}:v]${fillFrame(width, height, fps)}[lf]`,
      `[${base}][lf]blend=all_expr='A*(1-${w})+B*${w}':shortest=1[bg1]`,
    );
    base = "bg1";
  }
  // With an input image the first frame is the image itself (and the last frame the last one).
  const enable = spec.firstFrame
    ? `:enable='between(t\\,0.5\\,${spec.lastFrame ? d - 1 : d})'`
    : "";
  filters.push(
    `[${base}][${square}:v]overlay=x='(W-w)*(0.5+0.5*sin(2*PI*t/${periodX}))':` +
      `y='(H-h)*(0.5+0.5*cos(2*PI*t/${periodY}))':shortest=1${enable},` +
      `drawtext=fontfile=${filterValue(fontFile)}:textfile=${filterValue(textFile)}:expansion=none:` +
      `fontsize=${fontSize}:fontcolor=white:line_spacing=${Math.round(fontSize / 4)}:` +
      `x=(w-tw)/2:y=(h-th)/2:box=1:boxcolor=black@0.45:boxborderw=${Math.round(fontSize / 2)}${enable}[t0]`,
  );
  let top = "t0";
  for (const [i, ref] of (spec.references ?? []).entries()) {
    image(ref);
    const input = nextInput();
    const margin = Math.round(box / 10);
    filters.push(
      `[${input}:v]scale=${box}:${box}:force_original_aspect_ratio=decrease,setsar=1[r${i}]`,
      `[${top}][r${i}]overlay=x=${margin + i * (box + margin)}:y=H-h-${margin}:shortest=1[t${i + 1}]`,
    );
    top = `t${i + 1}`;
  }
  filters.push(`[${top}]format=yuv420p[v]`);
  let audio = -1;
  if (spec.audio) {
    const frequency = 220 + (hash.readUInt16BE(8) % 660);
    args.push("-f", "lavfi", "-i", `sine=frequency=${frequency}:sample_rate=44100:duration=${d}`);
    audio = nextInput();
  }
  args.push("-filter_complex", filters.join(";"), "-map", "[v]");
  if (audio >= 0) args.push("-map", `${audio}:a`, "-c:a", "aac", "-b:a", "64k");
  args.push(...H264_MP4_ARGS, "-r", String(fps), "-t", String(d), "-f", "mp4", tmpFile);

  try {
    await run(options.ffmpegPath ?? ffmpegBinary(), args);
    await rename(tmpFile, outFile);
  } finally {
    await Promise.all([rm(textFile, { force: true }), rm(tmpFile, { force: true })]);
  }
}

export type FrameChoice = "first" | "last";

/**
 * One frame of a video as a PNG (also used in production: "start from the last frame of my
 * video"). ffmpeg reads the source by URL (a presigned link) or path and seeks, so only the
 * part around the frame is fetched; `-update 1` keeps overwriting the PNG, leaving the last.
 */
export async function grabFrame(
  source: string,
  frame: FrameChoice,
  ffmpegPath: string = ffmpegBinary(),
): Promise<Buffer> {
  const out = path.join(os.tmpdir(), `phoenix-frame-${randomUUID()}.png`);
  const seek = frame === "last" ? ["-sseof", "-1"] : [];
  const take = frame === "last" ? ["-update", "1"] : ["-frames:v", "1"];
  try {
    await run(ffmpegPath, [
      ...FFMPEG_QUIET_ARGS,
      ...seek,
      "-i",
      source,
      "-an",
      ...take,
      "-f",
      "image2",
      out,
    ]);
    return await readFile(out);
  } finally {
    await rm(out, { force: true });
  }
}

/** An image re-encoded as PNG (Veo takes JPEG and PNG; WebP uploads are converted). */
export async function toPng(image: Buffer, ffmpegPath: string = ffmpegBinary()): Promise<Buffer> {
  const source = path.join(os.tmpdir(), `phoenix-image-${randomUUID()}`);
  await writeFile(source, image);
  try {
    return await grabFrame(source, "first", ffmpegPath);
  } finally {
    await rm(source, { force: true });
  }
}

/**
 * An extension: a continuation rendered from the source's last frame, appended to the source
 * (both re-encoded to the frame size and rate, so they concatenate cleanly).
 */
export async function extendVideo(
  sourceFile: string,
  spec: RenderSpec,
  outFile: string,
  options: RenderOptions = {},
): Promise<void> {
  const fps = options.fps ?? 15;
  const ffmpeg = options.ffmpegPath ?? ffmpegBinary();
  const { width, height } = FRAME_SIZE[spec.aspectRatio];
  const tag = randomUUID();
  const lastFrame = `${outFile}.${tag}.last.png`;
  const continuation = `${outFile}.${tag}.continuation.mp4`;
  const tmpFile = `${outFile}.${tag}.tmp.mp4`;
  try {
    await writeFile(lastFrame, await grabFrame(sourceFile, "last", ffmpeg));
    await renderVideo({ ...spec, firstFrame: lastFrame, audio: false }, continuation, options);
    const fill = fillFrame(width, height, fps);
    const args = [...FFMPEG_QUIET_ARGS, "-i", sourceFile, "-i", continuation];
    if (spec.audio) args.push("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100");
    args.push(
      "-filter_complex",
      `[0:v]${fill}[s];[1:v]${fill}[c];[s][c]concat=n=2:v=1:a=0[v]`,
      "-map",
      "[v]",
    );
    if (spec.audio) args.push("-map", "2:a", "-c:a", "aac", "-b:a", "64k", "-shortest");
    args.push(...H264_MP4_ARGS, "-r", String(fps), "-f", "mp4", tmpFile);
    await run(ffmpeg, args);
    await rename(tmpFile, outFile);
  } finally {
    await Promise.all([lastFrame, continuation, tmpFile].map((f) => rm(f, { force: true })));
  }
}

/** An input picture scaled and cropped to fill the frame, as a video stream of the clip's rate. */
function fillFrame(width: number, height: number, fps: number): string {
  return (
    `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},` +
    `setsar=1,fps=${fps},format=yuv420p`
  );
}

export function run(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 60_000, maxBuffer: 1 << 20 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`ffmpeg failed: ${String(stderr).trim() || error.message}`));
      else resolve();
    });
  });
}
