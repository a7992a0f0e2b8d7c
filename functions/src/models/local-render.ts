/**
 * Renders the local model's video with the static ffmpeg from `@ffmpeg-installer/ffmpeg`:
 * the prompt over a background whose colours come from a hash of the prompt, with a
 * moving square so the clip visibly plays. Reduced resolution and low fps keep a clip
 * at a fraction of a CPU second.
 */
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AspectRatio } from "../contract";

export interface RenderSpec {
  text: string;
  aspectRatio: AspectRatio;
  durationSeconds: number;
  audio: boolean;
  seed?: number;
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
  const video =
    `[0:v][1:v]overlay=x='(W-w)*(0.5+0.5*sin(2*PI*t/${periodX}))':` +
    `y='(H-h)*(0.5+0.5*cos(2*PI*t/${periodY}))':shortest=1,` +
    `drawtext=fontfile=${filterValue(fontFile)}:textfile=${filterValue(textFile)}:expansion=none:` +
    `fontsize=${fontSize}:fontcolor=white:line_spacing=${Math.round(fontSize / 4)}:` +
    `x=(w-tw)/2:y=(h-th)/2:box=1:boxcolor=black@0.45:boxborderw=${Math.round(fontSize / 2)},` +
    `format=yuv420p[v]`;

  const args: string[] = [
    ...FFMPEG_QUIET_ARGS,
    "-f",
    "lavfi",
    "-i",
    `color=c=${colourFrom(hash, 0, true)}:s=${width}x${height}:r=${fps}:d=${d}`,
    "-f",
    "lavfi",
    "-i",
    `color=c=${colourFrom(hash, 3, false)}:s=${box}x${box}:r=${fps}:d=${d}`,
  ];
  if (spec.audio) {
    const frequency = 220 + (hash.readUInt16BE(8) % 660);
    args.push("-f", "lavfi", "-i", `sine=frequency=${frequency}:sample_rate=44100:duration=${d}`);
  }
  args.push("-filter_complex", video, "-map", "[v]");
  if (spec.audio) args.push("-map", "2:a", "-c:a", "aac", "-b:a", "64k");
  args.push(...H264_MP4_ARGS, "-r", String(fps), "-t", String(d), "-f", "mp4", tmpFile);

  try {
    await run(options.ffmpegPath ?? ffmpegBinary(), args);
    await rename(tmpFile, outFile);
  } finally {
    await Promise.all([rm(textFile, { force: true }), rm(tmpFile, { force: true })]);
  }
}

function run(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 60_000, maxBuffer: 1 << 20 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`ffmpeg failed: ${String(stderr).trim() || error.message}`));
      else resolve();
    });
  });
}
