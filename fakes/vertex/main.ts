/**
 * Runs the fake Vertex AI endpoint as its own process (for the local stack):
 *   tsx fakes/vertex/main.ts [--port N]
 * Prints one JSON line `{"url": ..., "port": ...}` when listening; control it over HTTP
 * (`/__fake/stats`, `/__fake/script`, `/__fake/reset`, `/__fake/service-account`).
 */
import { startFakeVertex } from "./server";

async function main(): Promise<void> {
  const portFlag = process.argv.indexOf("--port");
  const port =
    portFlag >= 0 ? Number(process.argv[portFlag + 1]) : Number(process.env.FAKE_VERTEX_PORT ?? 0);
  const fake = await startFakeVertex({ port });
  process.stdout.write(JSON.stringify({ url: fake.url, port: fake.port }) + "\n");
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
