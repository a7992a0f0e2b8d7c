/**
 * Makes a delivered video's poster and spritesheet with the bundled ffmpeg, streaming: ffmpeg
 * reads the stored video by its (presigned) URL with HTTP range requests, and its JPEG output
 * goes straight into a streamed upload. Nothing is buffered whole and no temporary file is
 * written, so the worker's memory budget (one streaming upload per delivery) holds.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import type { SpriteGrid } from "../contract";

/** Where a JPEG goes: a streamed upload. */
export type JpegUpload = (jpeg: Readable) => Promise<void>;

export interface PreviewMaker {
  /** Streams a JPEG of the first good frame of the video at `url` into `upload`. */
  poster(url: string, upload: JpegUpload): Promise<void>;
  /** Streams a JPEG of `grid`'s frames, tiled, into `upload`. */
  spritesheet(url: string, grid: SpriteGrid, upload: JpegUpload): Promise<void>;
}

/** A hung ffmpeg must not hold the worker (previews are best effort: the video goes without). */
const FFMPEG_TIMEOUT_MS = 30_000;
/** A stalled read of the stored video (R2 unreachable) fails after this long, in microseconds. */
const READ_TIMEOUT_US = String(10_000_000);
/**
 * thumbnail picks the most representative frame of the first N (it skips a black or faded
 * opening frame): about half a second of Veo's 24 fps.
 */
const POSTER_CANDIDATE_FRAMES = 12;

export class FfmpegPreviews implements PreviewMaker {
  constructor(private readonly ffmpegPath: () => string) {}

  poster(url: string, upload: JpegUpload): Promise<void> {
    return this.run(
      ["-i", url, "-vf", `thumbnail=n=${POSTER_CANDIDATE_FRAMES}`, "-frames:v", "1", ...JPEG_OUT],
      upload,
    );
  }

  spritesheet(url: string, grid: SpriteGrid, upload: JpegUpload): Promise<void> {
    const filter =
      `fps=1/${grid.intervalSeconds},scale=${grid.tileWidth}:${grid.tileHeight},` +
      `tile=${grid.columns}x${grid.rows}`;
    return this.run(["-i", url, "-vf", filter, "-frames:v", "1", ...JPEG_OUT], upload);
  }

  /** Runs ffmpeg with its stdout streamed into `upload`; fails if either fails. */
  private async run(args: string[], upload: JpegUpload): Promise<void> {
    const child = spawn(this.ffmpegPath(), [...QUIET, "-rw_timeout", READ_TIMEOUT_US, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: FFMPEG_TIMEOUT_MS,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const exited = new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) =>
        code === 0
          ? resolve()
          : reject(new Error(`ffmpeg failed (${signal ?? code}): ${stderr.trim() || "no output"}`)),
      );
    });
    // A failed upload stops reading: end ffmpeg rather than leave it blocked on a full pipe.
    const uploading = upload(child.stdout).catch((err: unknown) => {
      child.kill("SIGKILL");
      throw err;
    });
    const [uploaded, ran] = await Promise.allSettled([uploading, exited]);
    if (uploaded.status === "rejected") throw uploaded.reason;
    if (ran.status === "rejected") throw ran.reason;
  }
}

const QUIET = ["-hide_banner", "-loglevel", "error", "-nostdin"];
const JPEG_OUT = ["-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "4", "pipe:1"];
