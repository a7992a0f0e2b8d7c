/**
 * What an uploaded file really is: its type from the magic number (never the declared content
 * type), its dimensions from the header, and whether it is complete (PNG ends with IEND, JPEG
 * with EOI, a WebP's RIFF size matches the file). Pure: the worker runs it on the stored bytes
 * before anything is spent on the model.
 */
import {
  MAX_IMAGE_SIDE,
  MAX_UPLOAD_BYTES,
  MIN_IMAGE_SIDE,
  type UploadContentType,
} from "../contract";

export interface ImageFacts {
  contentType: UploadContentType;
  width: number;
  height: number;
}

export type ImageCheck = { ok: true; facts: ImageFacts } | { ok: false; problem: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sniffImageType(bytes: Buffer): UploadContentType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return "image/jpeg";
  if (
    bytes.length >= 12 &&
    bytes.toString("latin1", 0, 4) === "RIFF" &&
    bytes.toString("latin1", 8, 12) === "WEBP"
  )
    return "image/webp";
  return null;
}

/** Checks the bytes of an upload against what was declared and what the model accepts. */
export function checkImage(
  bytes: Buffer,
  declared: { contentType: UploadContentType; size?: number },
): ImageCheck {
  if (bytes.length === 0) return { ok: false, problem: "the file is empty" };
  if (bytes.length > MAX_UPLOAD_BYTES)
    return { ok: false, problem: `the file is larger than ${MAX_UPLOAD_BYTES} bytes` };
  if (declared.size !== undefined && bytes.length !== declared.size)
    return {
      ok: false,
      problem: `the file has ${bytes.length} bytes, not the ${declared.size} declared`,
    };
  const type = sniffImageType(bytes);
  if (!type) return { ok: false, problem: "the file is not a JPEG, PNG or WebP image" };
  if (type !== declared.contentType)
    return { ok: false, problem: `the file is ${type}, not the ${declared.contentType} declared` };
  const read = type === "image/png" ? readPng : type === "image/jpeg" ? readJpeg : readWebp;
  const result = read(bytes);
  if (typeof result === "string") return { ok: false, problem: result };
  const { width, height } = result;
  if (Math.min(width, height) < MIN_IMAGE_SIDE || Math.max(width, height) > MAX_IMAGE_SIDE)
    return {
      ok: false,
      problem: `the image is ${width}x${height}; each side must be ${MIN_IMAGE_SIDE}-${MAX_IMAGE_SIDE} pixels`,
    };
  return { ok: true, facts: { contentType: type, width, height } };
}

type Size = { width: number; height: number } | string;
const TRUNCATED = "the file is truncated or damaged";

function readPng(bytes: Buffer): Size {
  if (bytes.length < 33 || bytes.toString("latin1", 12, 16) !== "IHDR") return TRUNCATED;
  // The last chunk is IEND: length 0, type, CRC (12 bytes).
  if (bytes.length < 45 || bytes.toString("latin1", bytes.length - 8, bytes.length - 4) !== "IEND")
    return TRUNCATED;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Start-of-frame markers that carry the dimensions (all SOFn but DHT, JPG and DAC). */
const SOF_MARKERS = new Set([
  0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);

function readJpeg(bytes: Buffer): Size {
  const end = bytes.length;
  if (end < 4 || bytes[end - 2] !== 0xff || bytes[end - 1] !== 0xd9) return TRUNCATED;
  let offset = 2;
  while (offset + 4 <= end) {
    if (bytes[offset] !== 0xff) return TRUNCATED;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > end) return TRUNCATED;
    if (SOF_MARKERS.has(marker)) {
      if (length < 7) return TRUNCATED;
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return TRUNCATED;
}

function readWebp(bytes: Buffer): Size {
  if (bytes.length < 30 || bytes.readUInt32LE(4) + 8 !== bytes.length) return TRUNCATED;
  const chunk = bytes.toString("latin1", 12, 16);
  if (chunk === "VP8X")
    return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  if (chunk === "VP8L") {
    if (bytes[20] !== 0x2f) return TRUNCATED;
    const bits = bytes.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === "VP8 ") {
    // Key frame start code 9d 01 2a, then 14-bit width and height.
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return TRUNCATED;
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  return TRUNCATED;
}
