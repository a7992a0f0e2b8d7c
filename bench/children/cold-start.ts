// Child: a fresh process that loads the built functions entry point and serves the first
// generateVideo call in-process (the callable's own handler, `.run`), timing both.
//   lazy   - as deployed: index.js only, handlers load on first call
//   eager  - the plan's layout: every SDK and every module required up front, then the same
//   census - load index.js only (no call, no services): which modules the entry point pulls in
//   floor  - what any callable that touches Firestore pays: the callable SDK, the Admin
//            Firestore SDK, and one document read (no handler code at all)
// Env: BENCH_FUNCTIONS_LIB, and the stack and params env for the call.
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";

/** SDKs only the worker and the media callables need. */
const WORKER_SDKS = [
  "@aws-sdk/client-s3",
  "@aws-sdk/lib-storage",
  "@aws-sdk/s3-request-presigner",
  "@google-cloud/storage",
  "@ffmpeg-installer/ffmpeg",
];
/**
 * Also loaded up front by the eager layout. google-auth-library is the worker's Vertex client,
 * but firebase-admin/app loads it too (its credentials), so every function pays for it.
 */
const OTHER_SDKS = [
  "google-auth-library",
  "firebase-admin/app",
  "firebase-admin/firestore",
  "firebase-admin/functions",
];

interface CallableModule {
  generateVideo: { run(request: unknown): Promise<{ status?: string }> };
}

function packagesOf(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    const parts = file.split(`${path.sep}node_modules${path.sep}`);
    if (parts.length < 2) continue;
    const [scope, name] = parts[parts.length - 1].split(path.sep);
    names.add(scope.startsWith("@") ? `${scope}/${name}` : scope);
  }
  return [...names].sort();
}

async function main(): Promise<void> {
  const [mode = "lazy", uid = "bench-cold-start"] = process.argv.slice(2);
  const lib = process.env.BENCH_FUNCTIONS_LIB;
  if (!lib) throw new Error("BENCH_FUNCTIONS_LIB is not set");
  const load = createRequire(path.join(lib, "..", "package.json"));

  const started = performance.now();
  if (mode === "eager") {
    for (const name of [...WORKER_SDKS, ...OTHER_SDKS]) load(name);
    const own = readdirSync(lib, { recursive: true, encoding: "utf8" });
    for (const file of own.filter((f) => f.endsWith(".js"))) load(path.join(lib, file));
  }
  if (mode === "floor") return floor(load, uid, started);
  const index = load(path.join(lib, "index.js")) as CallableModule;
  const loadedAt = performance.now();
  let status: string | undefined;
  if (mode !== "census") {
    const result = await index.generateVideo.run({
      data: { prompt: "cold start [[slow:0]]", duration: 4 },
      auth: { uid, token: { uid }, rawToken: "bench" },
      rawRequest: {},
      acceptsStreaming: false,
    });
    status = result.status;
  }
  report(load, {
    mode,
    status,
    loadMs: loadedAt - started,
    firstCallMs: performance.now() - loadedAt,
    started,
  });
}

interface AdminFirestore {
  getFirestore: () => { doc(path: string): { get(): Promise<{ exists: boolean }> } };
}

async function floor(load: NodeJS.Require, uid: string, started: number): Promise<void> {
  load("firebase-functions/v2/https");
  (load("firebase-admin/app") as { initializeApp(): unknown }).initializeApp();
  const { getFirestore } = load("firebase-admin/firestore") as AdminFirestore;
  const loadedAt = performance.now();
  const user = await getFirestore().doc(`users/${uid}`).get();
  report(load, {
    mode: "floor",
    status: user.exists ? "pending" : "missing user",
    loadMs: loadedAt - started,
    firstCallMs: performance.now() - loadedAt,
    started,
  });
}

function report(
  load: NodeJS.Require,
  r: { mode: string; status?: string; loadMs: number; firstCallMs: number; started: number },
): void {
  const files = Object.keys(load.cache);
  const packages = packagesOf(files);
  console.log(
    JSON.stringify({
      mode: r.mode,
      status: r.status,
      loadMs: r.loadMs,
      firstCallMs: r.firstCallMs,
      totalMs: performance.now() - r.started,
      moduleCount: files.length,
      packages,
      heavyLoaded: WORKER_SDKS.filter((sdk) => packages.includes(sdk)),
    }),
  );
  process.exit(0); // the Admin SDK keeps its gRPC channel open
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
