// The R2 stand-in (s3rver) in a process of its own, started by s3.ts. Its own process lets the
// reliability tests stop, kill and restart the storage under a running stack. It reports
// readiness over IPC, records its pid in S3_PID_FILE, and closes cleanly on SIGINT/SIGTERM.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import S3rver from "s3rver";
import { HOST, PORTS, S3_BUCKETS, S3_DATA_DIR, S3_PID_FILE } from "./config";

const UPLOAD_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>content-type</AllowedHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

async function main(): Promise<void> {
  const server = new S3rver({
    address: HOST,
    port: PORTS.s3,
    silent: true,
    directory: S3_DATA_DIR,
    // Path-style only, like our R2 clients (forcePathStyle); no *.localhost vhost guessing.
    vhostBuckets: false,
    // Browsers PUT input images straight to the private bucket (createUpload's presigned
    // links): it answers CORS for PUT like the R2 bucket's CORS policy does in production.
    configureBuckets: S3_BUCKETS.map((name) => ({ name, configs: [UPLOAD_CORS] })),
  });
  await server.run();
  writeFileSync(S3_PID_FILE, String(process.pid));

  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => {
      removeOwnPidFile();
      process.exit(0);
    });
  };
  process.on("SIGINT", close);
  process.on("SIGTERM", close);
  process.send?.({ ready: true, pid: process.pid });
}

/** Only our own: a restarted server may already have written its pid. */
function removeOwnPidFile(): void {
  try {
    if (readFileSync(S3_PID_FILE, "utf8").trim() === String(process.pid)) rmSync(S3_PID_FILE);
  } catch {
    // no pid file
  }
}

main().catch((err: unknown) => {
  process.send?.({ ready: false, error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
