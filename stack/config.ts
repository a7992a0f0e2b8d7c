// Fixed local addresses of the stack. Tests outside the project rely on them, and
// firebase.json must agree for the emulators started by firebase-tools.
import { readlinkSync } from "node:fs";
import path from "node:path";

export const PROJECT_ID = "demo-phoenix";
export const HOST = "127.0.0.1";

export const PORTS = {
  firestore: 8080,
  auth: 9099,
  functions: 5001,
  tasks: 9499,
  hub: 4400,
  logging: 4500,
  s3: 9000,
} as const;

export type ServiceName = keyof typeof PORTS;

export const S3_BUCKETS = ["phoenix-media", "phoenix-media-public"] as const;
/** s3rver accepts any signature made with these; R2 clients use them locally. */
export const S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export const REPO_ROOT = path.resolve(__dirname, "..");
export const DATA_DIR = path.join(REPO_ROOT, ".data");
/**
 * Stacks in other network namespaces (same checkout, same ports, e.g. `unshare --net`) keep
 * S3 data and pid files of their own, so a fresh start or a stop never touches theirs.
 */
const NS_SUFFIX = netNamespace() ? `-${netNamespace()}` : "";
export const S3_DATA_DIR = path.join(DATA_DIR, `s3${NS_SUFFIX}`);
/** Pid of the S3 server process (s3-process.ts) serving this namespace, whoever started it. */
export const S3_PID_FILE = path.join(DATA_DIR, `s3${NS_SUFFIX}.pid`);

/** "4026531833" from /proc/self/ns/net, or undefined off Linux. */
export function netNamespace(pid: number | "self" = "self"): string | undefined {
  try {
    return /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1];
  } catch {
    return undefined;
  }
}
export const LOG_DIR = path.join(DATA_DIR, "logs");
export const EMULATOR_LOG = path.join(LOG_DIR, `emulators${NS_SUFFIX}.log`);

export const addr = (service: ServiceName): string => `${HOST}:${PORTS[service]}`;

/** Environment a process needs to talk to the local stack (tests, scripts). */
export function stackEnv(): Record<string, string> {
  return {
    FIRESTORE_EMULATOR_HOST: addr("firestore"),
    FIREBASE_AUTH_EMULATOR_HOST: addr("auth"),
    CLOUD_TASKS_EMULATOR_HOST: addr("tasks"),
    GCLOUD_PROJECT: PROJECT_ID,
    R2_ENDPOINT: `http://${addr("s3")}`,
    R2_BUCKET: S3_BUCKETS[0],
    R2_PUBLIC_BUCKET: S3_BUCKETS[1],
    R2_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    R2_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
  };
}

/** Variables that would point a process at the stack; removed for the unit tier. */
export const STACK_ENV_KEYS = Object.keys(stackEnv());
