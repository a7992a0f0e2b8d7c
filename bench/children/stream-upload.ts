// Child: moves one file into the S3 server through the real transfer code
// (functions/lib/adapters/media-store.js) and reports the peak RSS growth over a baseline
// taken after the SDK is loaded and warmed up, so only the transfer itself is counted.
//   stream - a file read stream, as the worker does
//   buffer - the whole file read into memory first, as the plan did
// Args: mode, file, key. Env: BENCH_FUNCTIONS_LIB, R2_* of the local stack. Run with --expose-gc.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Readable } from "node:stream";

interface MediaStoreLike {
  upload(key: string, body: Readable, type: string, meta: Record<string, string>): Promise<void>;
  remove(key: string): Promise<void>;
}
type MediaStoreClass = new (config: Record<string, string>) => MediaStoreLike;

async function main(): Promise<void> {
  const [mode, file, key] = process.argv.slice(2);
  const lib = process.env.BENCH_FUNCTIONS_LIB;
  if (!lib || !file || !key || (mode !== "stream" && mode !== "buffer"))
    throw new Error("usage: stream-upload stream|buffer <file> <key> (BENCH_FUNCTIONS_LIB set)");
  const load = createRequire(path.join(lib, "..", "package.json"));
  const { MediaStore } = load(path.join(lib, "adapters", "media-store.js")) as {
    MediaStore: MediaStoreClass;
  };
  const env = (name: string) => process.env[name] ?? "";
  const media = new MediaStore({
    endpoint: env("R2_ENDPOINT"),
    accessKeyId: env("R2_ACCESS_KEY_ID"),
    secretAccessKey: env("R2_SECRET_ACCESS_KEY"),
    bucket: env("R2_BUCKET"),
    publicBucket: env("R2_PUBLIC_BUCKET"),
    publicUrl: "http://unused.invalid",
  });
  const meta = { app: "phoenix", service: "bench" };
  // Warm-up: loads the SDK and opens a connection, outside the measured window.
  await media.upload(`${key}.warmup`, Readable.from([Buffer.alloc(64 * 1024)]), "video/mp4", meta);
  await media.remove(`${key}.warmup`);
  (globalThis as { gc?: () => void }).gc?.();

  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const started = Date.now();
  const body =
    mode === "stream"
      ? createReadStream(file)
      : Readable.from([await readFile(file)], { objectMode: false });
  await media.upload(key, body, "video/mp4", meta);
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  // The kernel's high-water mark catches a peak between two samples.
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  const bytes = (await stat(file)).size;
  await media.remove(key);
  console.log(
    JSON.stringify({ mode, bytes, seconds, baselineRss: baseline, growthBytes: peak - baseline }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
