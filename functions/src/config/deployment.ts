/**
 * What every deployed function gets: region, cost labels and instance sizing. Plain values
 * (no SDK), read by index.ts when it declares the functions and by the deploy-manifest test,
 * so the numbers a deploy ships are the numbers checked here.
 */

export const REGION = "us-central1";

/** Cost labels on every resource (Terraform uses the same app/phase pair). */
export const COST_LABELS = { app: "phoenix", phase: "3" } as const;

/** Which part of the system a function (or a Veo request) belongs to, for billing reports. */
export type Component = "api" | "admin" | "accounts" | "worker" | "sweeper" | "generation";

export function labelsFor(component: Component): Record<string, string> {
  return { ...COST_LABELS, component };
}

/**
 * Memory of the step worker. A delivery that moves a finished video holds one multipart
 * upload in flight: bench figure 4 measured ~50 MiB of RSS growth per upload (5 MiB parts,
 * two in flight, allocator slack), independent of the video's size.
 */
export const UPLOAD_MEMORY_MIB = 50;
/** Worker modules loaded (AWS S3, Cloud Storage, Firestore, auth): ~80 MiB measured, doubled for gRPC channels and the runtime. */
export const WORKER_BASELINE_MIB = 160;
/** Share of the instance's memory a worker plans to use; the rest is headroom for GC. */
export const MEMORY_HEADROOM = 0.8;
export const WORKER_MEMORY_MIB = 1024;

/** Concurrent deliveries one worker instance may take so that all of them can upload at once. */
export function workerConcurrency(memoryMiB = WORKER_MEMORY_MIB): number {
  return Math.floor((memoryMiB * MEMORY_HEADROOM - WORKER_BASELINE_MIB) / UPLOAD_MEMORY_MIB);
}

/** Instance ceilings: a bound on spend per function (the workers scale 1 -> 10). */
export const MAX_INSTANCES = { callable: 20, worker: 10, sweeper: 1, accounts: 10 } as const;

/** The worker's timeout. Cloud Tasks must not give up on a delivery before it ends. */
export const WORKER_TIMEOUT_SECONDS = 540;
/** Dispatch deadline of every worker task: at least the worker's timeout (Cloud Tasks allows 15-1800 s). */
export const DISPATCH_DEADLINE_SECONDS = WORKER_TIMEOUT_SECONDS + 60;

/** The follow-up queue only looks at running operations: not bound by Veo's start quota. */
export const POLL_QUEUE_RATE = { maxDispatchesPerSecond: 50, maxConcurrentDispatches: 100 };

/** Account id of the runtime service account Terraform creates for env "prod" (terraform/iam.tf). */
export const RUNTIME_SERVICE_ACCOUNT_ID = "phoenix-functions-prod";

/**
 * The full email of a service account written as firebase-functions takes it ("name@" means
 * name@<project>.iam.gserviceaccount.com). Undefined when it cannot be known here.
 */
export function serviceAccountEmail(account: string, projectId: string): string | undefined {
  if (!account.endsWith("@")) return account.includes("@") ? account : undefined;
  return projectId ? `${account}${projectId}.iam.gserviceaccount.com` : undefined;
}
