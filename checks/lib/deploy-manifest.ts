/**
 * Reads the built functions the way `firebase deploy` does: firebase-tools runs the
 * firebase-functions SDK's own discovery binary over functions/ (FUNCTIONS_MANIFEST_OUTPUT_PATH,
 * the file form of `/__/functions.yaml`), parses the manifest into a Build, resolves the
 * params from the deploy's dotenv values, validates the endpoints and fills CPU/concurrency
 * defaults. We call those same firebase-tools modules (our own pinned devDependency), so
 * the endpoints checked here are the ones a deploy would create.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO_ROOT = join(__dirname, "..", "..");
export const FUNCTIONS_DIR = join(REPO_ROOT, "functions");

/** The parts of a firebase-tools backend endpoint the checks read. */
export interface DeployedEndpoint {
  id: string;
  platform: "gcfv1" | "gcfv2" | "run";
  region: string;
  availableMemoryMb?: number;
  cpu?: number | "gcf_gen1";
  concurrency?: number;
  maxInstances?: number | null;
  timeoutSeconds?: number | null;
  serviceAccount?: string | null;
  labels?: Record<string, string>;
  secretEnvironmentVariables?: Array<{ key: string; secret?: string }>;
  callableTrigger?: object;
  eventTrigger?: { eventType: string; retry?: boolean };
  scheduleTrigger?: { schedule: string };
  taskQueueTrigger?: {
    retryConfig?: {
      maxAttempts?: number;
      minBackoffSeconds?: number;
      maxBackoffSeconds?: number;
      maxDoublings?: number;
    };
    rateLimits?: { maxConcurrentDispatches?: number; maxDispatchesPerSecond?: number };
    invoker?: string[];
  };
}

export interface ManifestParam {
  name: string;
  type: string;
  default?: unknown;
}

export interface Deploy {
  params: ManifestParam[];
  endpoints: DeployedEndpoint[];
}

/* eslint-disable @typescript-eslint/no-require-imports -- firebase-tools ships no typings for its internals */
const tools = (file: string) =>
  require(join(REPO_ROOT, "node_modules", "firebase-tools", "lib", file)) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs the SDK's discovery binary over the built functions, with a deploy's (non-emulator) environment. */
export async function discoverManifest(
  projectId: string,
  extraEnv: Record<string, string> = {},
): Promise<{ params: ManifestParam[]; endpoints: Record<string, unknown> }> {
  if (!existsSync(join(FUNCTIONS_DIR, "lib", "index.js"))) {
    throw new Error("functions/lib is missing: run `npm run build` first (npm test does)");
  }
  const dir = mkdtempSync(join(tmpdir(), "phoenix-manifest-"));
  const manifestPath = join(dir, "functions.yaml");
  try {
    const bin = join(FUNCTIONS_DIR, "node_modules", ".bin", "firebase-functions");
    // As firebase-tools' node runtime delegate spawns it: only these variables, no emulator flags.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GCLOUD_PROJECT: projectId,
      FUNCTIONS_CONTROL_API: "true",
      FUNCTIONS_MANIFEST_OUTPUT_PATH: manifestPath,
      ...extraEnv,
    };
    const stderr: Buffer[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(bin, [FUNCTIONS_DIR], {
        cwd: FUNCTIONS_DIR,
        env,
        stdio: ["ignore", "ignore", "pipe"],
      });
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.once("error", reject);
      child.once("exit", resolve);
    });
    if (code !== 0)
      throw new Error(`discovery failed (exit ${code}): ${Buffer.concat(stderr).toString()}`);
    return JSON.parse(readFileSync(manifestPath, "utf8")) as {
      params: ManifestParam[];
      endpoints: Record<string, unknown>;
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The endpoints a deploy with these dotenv values (`functions/.env.<projectId>`) creates,
 * after firebase-tools' param resolution (non-interactive: every param needs a value or a
 * default), endpoint validation and CPU/concurrency defaults. Secret Manager is not asked
 * whether the secrets exist (offline).
 */
export async function resolveDeploy(
  projectId: string,
  dotenv: Record<string, string>,
): Promise<Deploy> {
  const manifest = await discoverManifest(projectId);
  const discovery = tools("deploy/functions/runtimes/discovery/index.js");
  const build = tools("deploy/functions/build.js");
  const validate = tools("deploy/functions/validate.js");
  const prepare = tools("deploy/functions/prepare.js");
  const backendOf = tools("deploy/functions/backend.js");
  const wanted = discovery.yamlToBuild(manifest, projectId, "us-central1", "nodejs20");
  const { backend } = (await build.resolveBackend({
    build: wanted,
    firebaseConfig: { projectId },
    userEnvs: dotenv,
    nonInteractive: true,
    isEmulator: true, // only skips the Secret Manager lookups (no network here)
  })) as { backend: unknown };
  validate.endpointsAreValid(backend);
  prepare.resolveCpuAndConcurrency(backend);
  return {
    params: manifest.params,
    endpoints: backendOf.allEndpoints(backend) as DeployedEndpoint[],
  };
}

/** Every param's declared default, as a dotenv file would spell it. */
export function defaultsOf(params: ManifestParam[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const param of params) {
    if (param.type !== "secret" && param.default !== undefined)
      out[param.name] = dotenvText(param.default);
  }
  return out;
}

/** A default as dotenv spells it: scalars as they print, lists comma-joined. */
function dotenvText(value: unknown): string {
  if (Array.isArray(value)) return value.map(dotenvText).join(",");
  const scalar =
    typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  return scalar ? String(value) : JSON.stringify(value);
}
