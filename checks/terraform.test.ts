import { expect } from "chai";
import { join } from "node:path";
import { UPLOAD_TTL_SECONDS } from "../functions/src/contract";

import {
  blocksOf,
  findLabelViolations,
  findProjectIdViolations,
  findSecretViolations,
  loadTerraformDir,
  localsOf,
  namedBlocks,
  parseTf,
  type ResourceBlock,
  type TfFile,
} from "./lib/terraform";

// Offline stand-in for `terraform validate` (no terraform binary here).
const TF_DIR = join(__dirname, "..", "terraform");

const LOCALS = `locals {
  labels = {
    app   = "phoenix"
    env   = var.env
    phase = "3"
  }
}
variable "project_id" {
  description = "p"
  type        = string
}
`;

/** Parses the house locals plus a snippet, as if they were one module. */
async function fixture(snippet: string): Promise<TfFile[]> {
  return [
    { name: "locals.tf", text: LOCALS, doc: await parseTf("locals.tf", LOCALS) },
    { name: "fixture.tf", text: snippet, doc: await parseTf("fixture.tf", snippet) },
  ];
}

describe("terraform/ (offline check)", () => {
  let files: TfFile[];
  let resources: ResourceBlock[];

  const one = (type: string, name: string): ResourceBlock => {
    const found = resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`missing ${type}.${name}`);
    return found;
  };
  const allText = (): string => files.map((f) => f.text).join("\n");

  before(async () => {
    files = await loadTerraformDir(TF_DIR);
    resources = blocksOf(files, "resource");
  });

  describe("syntax", () => {
    it("parses every .tf file, including versions, variables and outputs", () => {
      expect(files.map((f) => f.name)).to.include.members([
        "versions.tf",
        "variables.tf",
        "outputs.tf",
      ]);
      expect(resources.length).to.be.greaterThan(10);
    });

    it("rejects a syntax error (the parser can fail)", async () => {
      let error: unknown;
      try {
        await parseTf("broken.tf", 'resource "google_storage_bucket" "b" {\n  name = \n');
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/broken\.tf/);
    });

    it("rejects an unclosed block", async () => {
      let error: unknown;
      try {
        await parseTf("unclosed.tf", 'variable "x" {\n  type = string\n');
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(Error);
    });
  });

  describe("module shape", () => {
    it("pins the google, google-beta and cloudflare providers", () => {
      const text = allText();
      expect(text).to.match(/source\s*=\s*"hashicorp\/google"/);
      expect(text).to.match(/source\s*=\s*"hashicorp\/google-beta"/);
      expect(text).to.match(/source\s*=\s*"cloudflare\/cloudflare"/);
    });

    it("describes every variable and every output", () => {
      for (const kind of ["variable", "output"] as const) {
        for (const [name, body] of namedBlocks(files, kind)) {
          expect(body.description, `${kind} ${name}`).to.be.a("string").and.not.equal("");
        }
      }
    });

    it("outputs what the functions need", () => {
      expect([...namedBlocks(files, "output").keys()]).to.include.members([
        "project_id",
        "region",
        "functions_service_account_email",
        "veo_output_bucket",
        "r2_secret_names",
        "r2_endpoint",
        "r2_drafts_bucket",
        "r2_public_bucket",
        "r2_public_url",
      ]);
    });

    it("enables the Google APIs the system uses", () => {
      const apis = String(localsOf(files).values.google_apis);
      for (const api of [
        "aiplatform",
        "artifactregistry",
        "billingbudgets",
        "cloudbuild",
        "cloudfunctions",
        "cloudscheduler",
        "cloudtasks",
        "eventarc",
        "firestore",
        "iam",
        "identitytoolkit",
        "pubsub",
        "run",
        "secretmanager",
        "storage",
      ]) {
        expect(apis, api).to.contain(`"${api}.googleapis.com"`);
      }
    });
  });

  describe("cost labels", () => {
    it("labels every labelable Google resource with app, service, env and phase", () => {
      expect(findLabelViolations(files)).to.deep.equal([]);
    });

    it("flags a labelable resource without labels", async () => {
      const bad = await fixture('resource "google_pubsub_topic" "t" {\n  name = "t"\n}\n');
      expect(findLabelViolations(bad)).to.deep.equal([
        "fixture.tf: google_pubsub_topic.t: no labels",
      ]);
    });

    it("flags labels that skip the shared locals or the service label", async () => {
      const bad = await fixture(
        'resource "google_storage_bucket" "a" {\n  labels = local.labels\n}\n' +
          'resource "google_storage_bucket" "b" {\n  labels = { app = "phoenix", env = "prod", phase = "3", service = "x" }\n}\n',
      );
      const problems = findLabelViolations(bad);
      expect(problems.some((p) => p.includes("google_storage_bucket.a"))).to.equal(true);
      expect(problems.some((p) => p.includes("google_storage_bucket.b: labels.env"))).to.equal(
        true,
      );
    });

    it("flags a Google resource type nobody has classified", async () => {
      const bad = await fixture('resource "google_spanner_instance" "s" {\n  name = "s"\n}\n');
      expect(findLabelViolations(bad)[0]).to.contain("unknown Google resource type");
    });
  });

  describe("no hard-coded project id", () => {
    it("finds none", () => {
      expect(findProjectIdViolations(files)).to.deep.equal([]);
    });

    it("flags a literal project argument", async () => {
      const bad = await fixture(
        'resource "google_service_account" "s" {\n  project = "phoenix-project-386"\n}\n',
      );
      expect(findProjectIdViolations(bad)).to.have.length.greaterThan(0);
    });

    it("flags a project spelled inside a member or path", async () => {
      const bad = await fixture(
        'resource "google_project_iam_member" "m" {\n  project = var.project_id\n' +
          '  member  = "serviceAccount:runner@acme-video-123.iam.gserviceaccount.com"\n}\n' +
          'output "o" {\n  description = "d"\n  value = "projects/acme-video-123/topics/x"\n}\n',
      );
      expect(findProjectIdViolations(bad)).to.have.length(2);
    });
  });

  describe("no secret values", () => {
    it("finds none", () => {
      expect(findSecretViolations(files)).to.deep.equal([]);
    });

    it("flags a secret version with secret_data", async () => {
      const bad = await fixture(
        'resource "google_secret_manager_secret_version" "v" {\n  secret      = "x"\n  secret_data = "hunter2"\n}\n',
      );
      expect(findSecretViolations(bad)).to.have.length(2);
    });

    it("flags key-like literals and secret variables with defaults", async () => {
      const bad = await fixture(
        'locals {\n  key = "0123456789abcdef0123456789abcdef"\n}\n' +
          'variable "r2_secret_access_key" {\n  description = "d"\n  default = "x"\n}\n' +
          'provider "cloudflare" {\n  api_token = "abc"\n}\n',
      );
      expect(findSecretViolations(bad)).to.have.length(3);
    });
  });

  describe("least privilege and lifecycle", () => {
    it("deletes Veo's temporary objects after 1 day, with uniform access and no public access", () => {
      const bucket = one("google_storage_bucket", "veo_output").body;
      expect(bucket.uniform_bucket_level_access).to.equal(true);
      expect(bucket.public_access_prevention).to.equal("enforced");
      expect(bucket.lifecycle_rule).to.deep.include({
        action: [{ type: "Delete" }],
        condition: [{ age: 1 }],
      });
    });

    it("grants only the expected project-level roles, never owner/editor or storage/secret roles", () => {
      const projectRoles = String(localsOf(files).values.functions_project_roles).match(
        /roles\/[A-Za-z.]+/g,
      );
      expect(projectRoles).to.have.members([
        "roles/aiplatform.user",
        "roles/cloudtasks.enqueuer",
        "roles/datastore.user",
      ]);
      const literalRoles = resources
        .filter((r) => r.type === "google_project_iam_member")
        .map((r) => String(r.body.role))
        .filter((role) => !role.startsWith("${"));
      expect(literalRoles).to.deep.equal([]);
      expect(allText()).to.not.match(/roles\/(owner|editor)"/);
    });

    it("scopes object admin to the temporary bucket and secret access to the R2 secrets", () => {
      expect(one("google_storage_bucket_iam_member", "functions_veo_output").body).to.include({
        bucket: "${google_storage_bucket.veo_output.name}",
        role: "roles/storage.objectAdmin",
      });
      const accessor = one("google_secret_manager_secret_iam_member", "functions_r2").body;
      expect(accessor).to.include({
        for_each: "${google_secret_manager_secret.r2}",
        role: "roles/secretmanager.secretAccessor",
      });
      expect(String(localsOf(files).values.r2_secret_ids)).to.match(
        /"R2_ACCESS_KEY_ID".*"R2_SECRET_ACCESS_KEY"/s,
      );
    });

    it("lets the runtime account act as itself only and invoke the worker service only", () => {
      expect(one("google_service_account_iam_member", "functions_act_as_self").body).to.include({
        service_account_id: "${google_service_account.functions.name}",
        role: "roles/iam.serviceAccountUser",
        member: "${local.functions_sa_member}",
      });
      expect(
        one("google_cloud_run_v2_service_iam_member", "functions_invoke_worker").body,
      ).to.include({
        for_each: "${var.worker_deployed ? toset(var.worker_service_names) : toset([])}",
        name: "${each.value}",
        role: "roles/run.invoker",
      });
    });

    it("filters the budget to labels.app = phoenix with threshold alerts", () => {
      const budget = one("google_billing_budget", "phoenix").body;
      const [filter] = budget.budget_filter as Record<string, unknown>[];
      expect(filter.labels).to.deep.equal({ app: "${local.labels.app}" });
      expect(localsOf(files).values.labels).to.include({ app: "phoenix" });
      expect(JSON.stringify(budget)).to.contain("threshold_percent");
    });

    it("aborts unfinished R2 multipart uploads after 1 day on both buckets", () => {
      const rule = localsOf(files).values.r2_abort_multipart_rule;
      expect(rule).to.deep.include({
        enabled: true,
        abort_multipart_uploads_transition: { condition: { type: "Age", max_age: 86400 } },
      });
      expect(one("cloudflare_r2_bucket_lifecycle", "drafts").body.rules).to.deep.equal([
        "${local.r2_abort_multipart_rule}",
        "${local.r2_expire_uploads_rule}",
      ]);
      expect(one("cloudflare_r2_bucket_lifecycle", "public").body.rules).to.deep.equal([
        "${local.r2_abort_multipart_rule}",
      ]);
    });

    it("deletes users' uploads from the private bucket once their lifetime is over", () => {
      const rule = localsOf(files).values.r2_expire_uploads_rule;
      expect(rule).to.deep.equal({
        id: "delete-uploads-after-1-day",
        enabled: true,
        conditions: { prefix: "uploads/" },
        delete_objects_transition: { condition: { type: "Age", max_age: UPLOAD_TTL_SECONDS } },
      });
    });

    it("lets only the apps' origins PUT uploads into the private bucket (CORS), nothing else", () => {
      const cors = resources.filter((r) => r.type === "cloudflare_r2_bucket_cors");
      expect(cors.map((c) => c.name)).to.deep.equal(["drafts"]);
      expect(cors[0].body.rules).to.deep.equal([
        {
          id: "app-uploads",
          allowed: { methods: ["PUT"], origins: "${var.app_origins}", headers: ["content-type"] },
          max_age_seconds: 3600,
        },
      ]);
    });

    it("serves only the public bucket on the custom domain and keeps r2.dev off", () => {
      const domains = resources.filter((r) => r.type === "cloudflare_r2_custom_domain");
      expect(domains.map((d) => d.body.bucket_name)).to.deep.equal([
        "${cloudflare_r2_bucket.public.name}",
      ]);
      for (const bucket of ["drafts", "public"]) {
        expect(one("cloudflare_r2_managed_domain", bucket).body.enabled).to.equal(false);
      }
    });
  });
});
