// Streams the video from its (presigned) media URL to out/<creationId>.mp4.
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

export async function downloadVideo(
  url: string,
  dir: string,
  creationId: string,
): Promise<{ file: string; bytes: number }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok || !res.body)
    throw new Error(`download failed: HTTP ${res.status} from ${new URL(url).origin}`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${creationId}.mp4`);
  // Write under a temporary name so a broken download never looks like a video.
  const partial = `${file}.part`;
  await pipeline(
    Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
    createWriteStream(partial),
  );
  await assertMp4(partial);
  await rename(partial, file);
  return { file, bytes: (await stat(file)).size };
}

/** An MP4 starts with an `ftyp` box: bytes 4..8. */
async function assertMp4(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    if (head.toString("latin1", 4, 8) !== "ftyp")
      throw new Error(`${file} is not an MP4 (no ftyp box)`);
  } finally {
    await handle.close();
  }
}
