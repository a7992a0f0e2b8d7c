/**
 * A tiny ISO-BMFF (MP4) box reader for tests: enough to check that a file is a playable
 * H.264 MP4 of the requested duration and aspect ratio without ffprobe.
 */
import { readFileSync } from "node:fs";

export interface Mp4Info {
  /** From `mvhd` (duration / timescale). */
  durationSeconds: number;
  /** From the video track's `tkhd` (display size). */
  width: number;
  height: number;
  /** The video sample entry type, e.g. "avc1" for H.264. */
  codec: string;
  hasAudio: boolean;
  /** `moov` before `mdat` (`-movflags +faststart`): playable while downloading. */
  faststart: boolean;
}

interface Box {
  type: string;
  /** Offsets of the payload inside the buffer. */
  start: number;
  end: number;
}

function* boxes(buf: Buffer, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    let size = buf.readUInt32BE(offset);
    const type = buf.toString("latin1", offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end)
      throw new Error(`malformed MP4 box ${type} at ${offset}`);
    yield { type, start: offset + header, end: offset + size };
    offset += size;
  }
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  for (const box of boxes(buf, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

function children(buf: Buffer, parent: Box, type: string): Box[] {
  return [...boxes(buf, parent.start, parent.end)].filter((box) => box.type === type);
}

export function probeMp4(input: Buffer | string): Mp4Info {
  const buf = typeof input === "string" ? readFileSync(input) : input;
  const top = [...boxes(buf, 0, buf.length)];
  const root: Box = { type: "root", start: 0, end: buf.length };
  if (top[0]?.type !== "ftyp") throw new Error("not an MP4: no leading ftyp box");
  const moov = child(buf, root, "moov");
  if (!moov) throw new Error("not an MP4: no moov box");
  const moovIndex = top.findIndex((b) => b.type === "moov");
  const mdatIndex = top.findIndex((b) => b.type === "mdat");

  const mvhd = child(buf, moov, "mvhd");
  if (!mvhd) throw new Error("no mvhd box");
  const v1 = buf[mvhd.start] === 1;
  const timescale = buf.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
  const duration = v1
    ? Number(buf.readBigUInt64BE(mvhd.start + 24))
    : buf.readUInt32BE(mvhd.start + 16);

  let video: { width: number; height: number; codec: string } | undefined;
  let hasAudio = false;
  for (const trak of children(buf, moov, "trak")) {
    const mdia = child(buf, trak, "mdia");
    const hdlr = mdia && child(buf, mdia, "hdlr");
    const handler = hdlr ? buf.toString("latin1", hdlr.start + 8, hdlr.start + 12) : "";
    if (handler === "soun") hasAudio = true;
    if (handler !== "vide" || video) continue;
    const tkhd = child(buf, trak, "tkhd");
    if (!tkhd) throw new Error("video track without tkhd");
    // width and height are 16.16 fixed point at the end of tkhd (after the matrix).
    const sizeAt = tkhd.start + (buf[tkhd.start] === 1 ? 88 : 76);
    const stsd = ["minf", "stbl", "stsd"].reduce<Box | undefined>(
      (box, t) => box && child(buf, box, t),
      mdia,
    );
    // stsd: version/flags (4), entry count (4), then sample entries (size, type, ...).
    const codec = stsd ? buf.toString("latin1", stsd.start + 12, stsd.start + 16) : "";
    video = {
      width: buf.readUInt32BE(sizeAt) / 65536,
      height: buf.readUInt32BE(sizeAt + 4) / 65536,
      codec,
    };
  }
  if (!video) throw new Error("no video track");
  return {
    durationSeconds: duration / timescale,
    ...video,
    hasAudio,
    faststart: mdatIndex === -1 || moovIndex < mdatIndex,
  };
}
