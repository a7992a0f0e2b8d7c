// (4) Streaming memory: peak RSS growth of a fresh process moving a large file into the S3
// server through MediaStore.upload, fed by a file stream, next to reading it whole first.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { runChild } from "../lib/node-child";
import { functionsLib, SCRATCH_DIR } from "../lib/paths";
import { spread, type Spread } from "../lib/stats";

export const MIB = 1024 * 1024;

export interface UploadSample {
  mode: "stream" | "buffer";
  bytes: number;
  seconds: number;
  baselineRss: number;
  growthBytes: number;
}

export interface StreamingResult {
  sizeMiB: number;
  stream: { growthMiB: Spread; seconds: Spread };
  buffer: { growthMiB: Spread; seconds: Spread };
}

/** Writes `mib` MiB of incompressible bytes (a random MiB, repeated) under the scratch dir. */
export async function generateFile(mib: number): Promise<string> {
  const dir = path.join(SCRATCH_DIR, "data");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `upload-${mib}mib-${process.pid}.bin`);
  const out = createWriteStream(file);
  const block = randomBytes(MIB);
  for (let i = 0; i < mib; i++) if (!out.write(block)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  return file;
}

export function uploadChild(mode: "stream" | "buffer", file: string, key: string) {
  return runChild<UploadSample>("stream-upload", [mode, file, key], {
    env: { ...process.env, BENCH_FUNCTIONS_LIB: functionsLib() },
    nodeOptions: ["--expose-gc"],
    timeoutMs: 300_000,
  });
}

export async function measureStreamingMemory(
  sizeMiB: number,
  runs: number,
  log: (m: string) => void,
): Promise<StreamingResult> {
  const file = await generateFile(sizeMiB);
  const samples: Record<"stream" | "buffer", UploadSample[]> = { stream: [], buffer: [] };
  try {
    for (let run = 0; run < runs; run++) {
      for (const mode of ["stream", "buffer"] as const) {
        const sample = await uploadChild(mode, file, `bench/${mode}-${run}-${Date.now()}.bin`);
        if (sample.bytes !== sizeMiB * MIB) throw new Error(`${mode}: moved ${sample.bytes} bytes`);
        samples[mode].push(sample);
        log(
          `streaming run ${run + 1}/${runs} ${mode}: +${(sample.growthBytes / MIB).toFixed(0)} MiB RSS, ` +
            `${sample.seconds.toFixed(1)} s`,
        );
      }
    }
  } finally {
    await rm(file, { force: true });
  }
  const summary = (s: UploadSample[]) => ({
    growthMiB: spread(s.map((x) => x.growthBytes / MIB)),
    seconds: spread(s.map((x) => x.seconds)),
  });
  return { sizeMiB, stream: summary(samples.stream), buffer: summary(samples.buffer) };
}
