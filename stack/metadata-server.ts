// A stand-in for the GCE metadata server, for the emulated functions (production has the real one). Each Cloud Tasks
// enqueue through the Admin SDK looks up the default service account's email (the task's
// OIDC identity). In production the metadata server answers in about a millisecond and the
// SDK caches the email; on this offline machine the lookup fails after ~2 s of retries, is
// not cached, and so added ~2 s to every generateVideo call. The stack points the emulators
// here with GCE_METADATA_HOST.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PROJECT_ID } from "./config";

const ANSWERS: Record<string, string> = {
  "/computeMetadata/v1/instance/service-accounts/default/email": `functions@${PROJECT_ID}.iam.gserviceaccount.com`,
  "/computeMetadata/v1/project/project-id": PROJECT_ID,
  "/computeMetadata/v1/instance/service-accounts/default/token": JSON.stringify({
    access_token: "local-stack-token",
    expires_in: 3600,
    token_type: "Bearer",
  }),
};

export async function startMetadataServer(): Promise<{ host: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const answer = ANSWERS[(req.url ?? "").split("?")[0]];
    res.writeHead(answer === undefined ? 404 : 200, {
      "metadata-flavor": "Google",
      "content-type": answer?.startsWith("{") ? "application/json" : "text/plain",
    });
    res.end(answer ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
