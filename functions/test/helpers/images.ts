/**
 * Test images made with the ffmpeg the functions ship, and the average colour of a video
 * frame, so tests can check that a video starts (or ends) with the image it was given.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ffmpegBinary } from "../../src/models/local-render";

const FORMATS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" } as const;
export type ImageType = keyof typeof FORMATS;

/** A solid-colour image (`colour` as ffmpeg names it: "red", "0x2060c0"...). */
export function solidImage(type: ImageType, colour: string, width = 320, height = 240): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), "phoenix-img-"));
  try {
    const file = path.join(dir, `image.${FORMATS[type]}`);
    execFileSync(ffmpegBinary(), [
      ...["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"],
      ...["-i", `color=c=${colour}:s=${width}x${height}`, "-frames:v", "1", file],
    ]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Average RGB of one frame of an MP4 (`first`, `last`, or at a time in seconds), of the whole
 * frame or of a region (`crop` as ffmpeg takes it: "w:h:x:y").
 */
export function frameColour(
  mp4: Buffer,
  at: "first" | "last" | number,
  crop?: string,
): [number, number, number] {
  const dir = mkdtempSync(path.join(os.tmpdir(), "phoenix-frame-"));
  try {
    const file = path.join(dir, "video.mp4");
    writeFileSync(file, mp4);
    const seek = at === "last" ? ["-sseof", "-0.2"] : at === "first" ? [] : ["-ss", String(at)];
    const raw = execFileSync(ffmpegBinary(), [
      ...["-hide_banner", "-loglevel", "error", ...seek, "-i", file, "-frames:v", "1"],
      ...[
        "-vf",
        `${crop ? `crop=${crop},` : ""}scale=1:1:flags=area`,
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "pipe:1",
      ],
    ]);
    return [raw[0], raw[1], raw[2]];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Largest channel difference between two colours. */
export const colourDistance = (a: number[], b: number[]) =>
  Math.max(...a.map((v, i) => Math.abs(v - b[i])));
