import { expect } from "chai";
import { join } from "node:path";
import {
  COST_LABELS,
  DISPATCH_DEADLINE_SECONDS,
  MEMORY_HEADROOM,
  REGION,
  RUNTIME_SERVICE_ACCOUNT_ID,
  UPLOAD_MEMORY_MIB,
  WORKER_BASELINE_MIB,
} from "../functions/src/config/deployment";
import { capabilitiesOf } from "../functions/src/domain/video-capabilities";
import {
  defaultsOf,
  discoverManifest,
  resolveDeploy,
  type Deploy,
  type DeployedEndpoint,
} from "./lib/deploy-manifest";
import { blocksOf, loadTerraformDir, namedBlocks, type TfFile } from "./lib/terraform";

// What `firebase deploy` would create for a production project, checked endpoint by endpoint.
const PROJECT = "phoenix-prod";
const TF_DIR = join(__dirname, "..", "terraform");

/** Every production function, by what it is; nothing else may deploy. */
const CALLABLES = [
  "generateVideo",
  "healthCheck",
  "grantTokens",
  "claimWelcomeGrant",
  "publishCreation",
  "cancelCreation",
  "deleteCreation",
  "getMediaUrl",
  "createUpload",
];
const WORKERS = ["startGeneration", "pollGeneration"];
const PRODUCTION_FUNCTIONS = [...CALLABLES, ...WORKERS, "welcomeUser", "sweepCreations"];
const TEST_ONLY_FUNCTIONS = ["wiringCheck", "wiringCheckTask", "sweepNow"];
/** Functions that open the R2 media store (config/runtime.ts mediaStore()): the only ones bound to its keys. */
const MEDIA_USERS = [
  "publishCreation",
  "deleteCreation",
  "getMediaUrl",
  "createUpload",
  "sweepCreations",
  ...WORKERS,
];
const R2_SECRETS = ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"];
const COMPONENTS = ["api", "admin", "accounts", "worker", "sweeper"];

/** Terraform's `functions_params` output with its references filled in as `terraform apply` would. */
function terraformParams(files: TfFile[]): Record<string, string> {
  const output = namedBlocks(files, "output").get("functions_params");
  const value = (output?.value ?? {}) as Record<string, string>;
  const filled: Record<string, string> = {};
  for (const [name, expression] of Object.entries(value)) {
    filled[name] =
      expression === "${google_service_account.functions.email}"
        ? `${serviceAccountId(files)}@${PROJECT}.iam.gserviceaccount.com`
        : expression.replace(/\$\{[^}]+\}/g, "tf-value");
  }
  return filled;
}

/** The runtime account id Terraform creates, with var.env at its default. */
function serviceAccountId(files: TfFile[]): string {
  const account = blocksOf(files, "resource").find(
    (r) => r.type === "google_service_account" && r.name === "functions",
  );
  const env = namedBlocks(files, "variable").get("env")?.default as string;
  return String(account?.body.account_id).replace("${var.env}", env);
}

describe("deploy manifest (firebase-functions discovery + firebase-tools resolution)", function () {
  this.timeout(120_000);
  let tf: TfFile[];
  let fromTerraform: Record<string, string>;
  let deploy: Deploy;
  const byId = (id: string): DeployedEndpoint => {
    const found = deploy.endpoints.find((e) => e.id === id);
    if (!found) throw new Error(`${id} is not deployed`);
    return found;
  };

  before(async () => {
    tf = await loadTerraformDir(TF_DIR);
    fromTerraform = terraformParams(tf);
    const manifest = await discoverManifest(PROJECT);
    // A production dotenv: the declared defaults plus what Terraform outputs.
    deploy = await resolveDeploy(PROJECT, { ...defaultsOf(manifest.params), ...fromTerraform });
  });

  it("deploys exactly the production functions (no test-only function)", () => {
    expect(deploy.endpoints.map((e) => e.id)).to.have.members(PRODUCTION_FUNCTIONS);
  });

  it("keeps the test-only functions for the emulator", async () => {
    const emulated = await discoverManifest("demo-phoenix", { FUNCTIONS_EMULATOR: "true" });
    expect(Object.keys(emulated.endpoints)).to.include.members(TEST_ONLY_FUNCTIONS);
  });

  it("labels every function app=phoenix, phase=3 and a component", () => {
    for (const e of deploy.endpoints) {
      expect(e.labels, e.id).to.include(COST_LABELS);
      expect(COMPONENTS, `${e.id} component`).to.include(e.labels?.component);
    }
  });

  it("runs every function in the region as Terraform's runtime service account", () => {
    const email = `${serviceAccountId(tf)}@${PROJECT}.iam.gserviceaccount.com`;
    for (const e of deploy.endpoints) {
      expect(e.region, e.id).to.equal(REGION);
      expect(e.serviceAccount, e.id).to.equal(email);
    }
  });

  it("names the service account param as Terraform outputs it, with Terraform's default account", () => {
    const param = deploy.params.find((p) => p.name === "RUNTIME_SERVICE_ACCOUNT");
    expect(fromTerraform).to.have.property("RUNTIME_SERVICE_ACCOUNT");
    expect(serviceAccountId(tf)).to.equal(RUNTIME_SERVICE_ACCOUNT_ID);
    // "name@" is firebase-tools' short form of name@<project>.iam.gserviceaccount.com.
    expect(param?.default).to.equal(`${RUNTIME_SERVICE_ACCOUNT_ID}@`);
  });

  it("gets every setting without a default from Terraform, under a declared param name", () => {
    const declared = deploy.params.map((p) => p.name);
    expect(declared).to.include.members(Object.keys(fromTerraform));
    const required = deploy.params.filter((p) => p.type !== "secret" && p.default === undefined);
    expect(Object.keys(fromTerraform)).to.include.members(required.map((p) => p.name));
  });

  it("grants run.invoker to the runtime account on exactly the task-queue services", () => {
    const names = namedBlocks(tf, "variable").get("worker_service_names")?.default;
    expect(names).to.have.members(WORKERS.map((id) => id.toLowerCase()));
  });

  it("puts a ceiling on the instances of every function", () => {
    for (const e of deploy.endpoints) {
      expect(e.maxInstances, e.id).to.be.a("number").and.to.be.greaterThan(0);
    }
    expect(byId("sweepCreations").maxInstances).to.equal(1);
  });

  it("sizes the workers so that every concurrent delivery can hold an upload (~50 MiB each)", () => {
    for (const id of WORKERS) {
      const e = byId(id);
      const memory = e.availableMemoryMb ?? 0;
      const concurrency = e.concurrency ?? 0;
      expect(e.cpu, id).to.be.at.least(1);
      expect(concurrency, id).to.be.greaterThan(1);
      expect(WORKER_BASELINE_MIB + concurrency * UPLOAD_MEMORY_MIB, id).to.be.at.most(
        memory * MEMORY_HEADROOM,
      );
      // One more delivery would not fit: concurrency is the largest that does.
      expect(WORKER_BASELINE_MIB + (concurrency + 1) * UPLOAD_MEMORY_MIB).to.be.greaterThan(
        memory * MEMORY_HEADROOM,
      );
      // The queue never dispatches more at once than the instances can take.
      const queue = e.taskQueueTrigger?.rateLimits?.maxConcurrentDispatches ?? Infinity;
      expect((e.maxInstances ?? 0) * concurrency, id).to.be.at.least(queue);
    }
  });

  it("gives every callable a full CPU for its concurrency", () => {
    for (const id of CALLABLES) {
      expect(byId(id).cpu, id).to.be.at.least(1);
      expect(byId(id).concurrency, id).to.be.greaterThan(1);
    }
  });

  it("sets the dispatch deadline of worker tasks at or above the worker timeout (Cloud Tasks max 1800 s)", () => {
    for (const id of WORKERS) {
      const timeout = byId(id).timeoutSeconds ?? 60;
      expect(DISPATCH_DEADLINE_SECONDS, id).to.be.at.least(timeout);
      expect(DISPATCH_DEADLINE_SECONDS).to.be.at.most(1800);
    }
  });

  it("retries worker tasks as documented: 4 attempts, 60 -> 120 -> 240 s", () => {
    for (const id of WORKERS) {
      expect(byId(id).taskQueueTrigger?.retryConfig, id).to.include({
        maxAttempts: 4,
        minBackoffSeconds: 60,
        maxBackoffSeconds: 240,
        maxDoublings: 2,
      });
    }
  });

  it("keeps the worker lease shorter than the first retry backoff (a crashed step's retry takes over)", () => {
    const lease = Number(deploy.params.find((p) => p.name === "WORKER_LEASE_SECONDS")?.default);
    for (const id of WORKERS) {
      const firstRetry = byId(id).taskQueueTrigger?.retryConfig?.minBackoffSeconds ?? 0;
      expect(lease, id).to.be.greaterThan(0).and.to.be.lessThan(firstRetry);
    }
  });

  it("starts generations within every tier's Vertex AI quota, and polls without it", () => {
    const start = byId("startGeneration").taskQueueTrigger?.rateLimits;
    const quotas = ["VEO_MODEL_STANDARD", "VEO_MODEL_FAST", "VEO_MODEL_LITE"].map((name) => {
      const model = deploy.params.find((p) => p.name === name)?.default as string;
      const quota = capabilitiesOf(model);
      expect(quota?.ga, `${name}: ${model} is a GA model`).to.equal(true);
      expect(model).not.to.match(/preview/);
      return quota?.startsPerMinute ?? 0;
    });
    // The tiers share the start queue: its rate is the smallest quota (50/min for Veo 3.1).
    expect((start?.maxDispatchesPerSecond ?? Infinity) * 60).to.be.closeTo(
      Math.min(...quotas),
      1e-9,
    );
    const poll = byId("pollGeneration").taskQueueTrigger?.rateLimits;
    expect(poll?.maxDispatchesPerSecond).to.be.greaterThan(start?.maxDispatchesPerSecond ?? 0);
  });

  it("keeps a preview-quota deploy at 10 starts per minute", async () => {
    const manifest = await discoverManifest(PROJECT);
    const preview = await resolveDeploy(PROJECT, {
      ...defaultsOf(manifest.params),
      ...fromTerraform,
      VEO_STARTS_PER_MINUTE: "10",
    });
    const start = preview.endpoints.find((e) => e.id === "startGeneration");
    expect((start?.taskQueueTrigger?.rateLimits?.maxDispatchesPerSecond ?? 0) * 60).to.be.closeTo(
      10,
      1e-9,
    );
  });

  it("leaves the task queues private (no public invoker)", () => {
    for (const id of WORKERS) {
      expect(byId(id).taskQueueTrigger?.invoker, id).to.deep.equal(["private"]);
    }
  });

  it("binds the R2 secrets only to the functions that use the media store", () => {
    for (const e of deploy.endpoints) {
      const keys = (e.secretEnvironmentVariables ?? []).map((s) => s.key);
      if (MEDIA_USERS.includes(e.id)) expect(keys, e.id).to.have.members(R2_SECRETS);
      else expect(keys, e.id).to.be.empty;
    }
  });
});
