// The R2 stand-in: s3rver serving the S3 API from the local disk.
import { mkdirSync, rmSync } from "node:fs";
import S3rver from "s3rver";
import { HOST, PORTS, S3_BUCKETS, S3_DATA_DIR } from "./config";

export interface RunningS3 {
  stop(): Promise<void>;
}

export async function startS3(options: { fresh?: boolean } = {}): Promise<RunningS3> {
  if (options.fresh) rmSync(S3_DATA_DIR, { recursive: true, force: true });
  mkdirSync(S3_DATA_DIR, { recursive: true });
  const server = new S3rver({
    address: HOST,
    port: PORTS.s3,
    silent: true,
    directory: S3_DATA_DIR,
    // Path-style only, like our R2 clients (forcePathStyle); no *.localhost vhost guessing.
    vhostBuckets: false,
    configureBuckets: S3_BUCKETS.map((name) => ({ name })),
  });
  await server.run();
  return { stop: () => server.close() };
}
