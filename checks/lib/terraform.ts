/**
 * Offline Terraform policy checks over the JSON form that @cdktf/hcl2json
 * produces (the same HCL parser Terraform uses). There is no terraform binary
 * here, so these stand in for `terraform validate` plus house rules.
 */
import { parse } from "@cdktf/hcl2json";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Parsed HCL as hcl2json returns it: blocks become arrays of objects. */
export type HclDoc = Record<string, unknown>;

export interface TfFile {
  name: string;
  text: string;
  doc: HclDoc;
}

export interface ResourceBlock {
  file: string;
  type: string;
  name: string;
  body: Record<string, unknown>;
}

/** Google resource types that accept a `labels` argument (cost attribution). */
export const LABELABLE_GOOGLE_TYPES: ReadonlySet<string> = new Set([
  "google_artifact_registry_repository",
  "google_bigquery_dataset",
  "google_cloud_run_v2_job",
  "google_cloud_run_v2_service",
  "google_cloudfunctions2_function",
  "google_cloudfunctions_function",
  "google_compute_instance",
  "google_eventarc_trigger",
  "google_project",
  "google_pubsub_subscription",
  "google_pubsub_topic",
  "google_redis_instance",
  "google_secret_manager_secret",
  "google_storage_bucket",
  "google_vertex_ai_endpoint",
]);

/**
 * Google resource types with no cost labels. Note google_monitoring_notification_channel
 * has a `labels` argument, but it is channel configuration, not resource labels.
 */
export const UNLABELABLE_GOOGLE_TYPES: ReadonlySet<string> = new Set([
  "google_billing_budget",
  "google_cloud_run_v2_service_iam_member",
  "google_cloud_scheduler_job",
  "google_cloud_tasks_queue",
  "google_firestore_database",
  "google_monitoring_notification_channel",
  "google_project_iam_member",
  "google_project_service",
  "google_project_service_identity",
  "google_secret_manager_secret_iam_member",
  "google_service_account",
  "google_service_account_iam_member",
  "google_storage_bucket_iam_member",
]);

export const REQUIRED_LABELS = { app: "phoenix", env: "${var.env}", phase: "3" } as const;

const MERGED_LABELS = /^\$\{merge\(local\.labels,\s*\{\s*service\s*=\s*"([a-z0-9_-]+)"\s*\}\)\}$/;

export async function parseTf(name: string, text: string): Promise<HclDoc> {
  return (await parse(name, text)) as HclDoc;
}

export async function loadTerraformDir(dir: string): Promise<TfFile[]> {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".tf"))
    .sort();
  const files: TfFile[] = [];
  for (const name of names) {
    const text = readFileSync(join(dir, name), "utf8");
    files.push({ name, text, doc: await parseTf(name, text) });
  }
  return files;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `kind "a" "b" { ... }` blocks of one kind (resource, data) as flat records. */
export function blocksOf(files: TfFile[], kind: "resource" | "data"): ResourceBlock[] {
  const out: ResourceBlock[] = [];
  for (const file of files) {
    const byType = file.doc[kind];
    if (!isRecord(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isRecord(byName)) continue;
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
          if (isRecord(body)) out.push({ file: file.name, type, name, body });
        }
      }
    }
  }
  return out;
}

/** Named single-label blocks (variable, output) as name -> body. */
export function namedBlocks(
  files: TfFile[],
  kind: "variable" | "output",
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const file of files) {
    const byName = file.doc[kind];
    if (!isRecord(byName)) continue;
    for (const [name, bodies] of Object.entries(byName)) {
      const body: unknown = Array.isArray(bodies) ? (bodies as unknown[])[0] : bodies;
      if (isRecord(body)) out.set(name, body);
    }
  }
  return out;
}

/** All `locals` entries merged (Terraform forbids duplicate local names). */
export function localsOf(files: TfFile[]): {
  values: Record<string, unknown>;
  labelsDefinitions: number;
} {
  const values: Record<string, unknown> = {};
  let labelsDefinitions = 0;
  for (const file of files) {
    const blocks = file.doc.locals;
    if (!Array.isArray(blocks)) continue;
    for (const block of blocks) {
      if (!isRecord(block)) continue;
      if ("labels" in block) labelsDefinitions++;
      Object.assign(values, block);
    }
  }
  return { values, labelsDefinitions };
}

export const ref = (r: ResourceBlock): string => `${r.file}: ${r.type}.${r.name}`;

/** Labels on every labelable Google resource, and every Google type classified. */
export function findLabelViolations(files: TfFile[]): string[] {
  const problems: string[] = [];
  const { values, labelsDefinitions } = localsOf(files);
  if (labelsDefinitions !== 1)
    problems.push(`expected one locals block defining labels, found ${labelsDefinitions}`);
  const labels = values.labels;
  if (!isRecord(labels)) problems.push("local.labels must be a map literal");
  else {
    for (const [key, value] of Object.entries(REQUIRED_LABELS)) {
      if (labels[key] !== value)
        problems.push(`local.labels.${key} must be ${JSON.stringify(value)}`);
    }
  }

  for (const r of blocksOf(files, "resource")) {
    if (!r.type.startsWith("google_")) continue;
    if (UNLABELABLE_GOOGLE_TYPES.has(r.type)) continue;
    if (!LABELABLE_GOOGLE_TYPES.has(r.type)) {
      problems.push(
        `${ref(r)}: unknown Google resource type; classify it as labelable or not in checks/lib/terraform.ts`,
      );
      continue;
    }
    problems.push(...labelProblems(r));
  }
  return problems;
}

function labelProblems(r: ResourceBlock): string[] {
  const labels = r.body.labels;
  if (labels === undefined) return [`${ref(r)}: no labels`];
  if (typeof labels === "string") {
    return MERGED_LABELS.test(labels)
      ? []
      : [`${ref(r)}: labels must be merge(local.labels, { service = "..." }), found ${labels}`];
  }
  if (!isRecord(labels)) return [`${ref(r)}: labels must be a map`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(REQUIRED_LABELS)) {
    if (labels[key] !== value)
      problems.push(`${ref(r)}: labels.${key} must be ${JSON.stringify(value)}`);
  }
  if (typeof labels.service !== "string" || !labels.service)
    problems.push(`${ref(r)}: labels.service missing`);
  return problems;
}

/** Every string in a parsed document, with a readable location. */
export function* strings(
  node: unknown,
  at = "",
): Generator<{ at: string; key: string; value: string }> {
  if (typeof node === "string") {
    yield { at, key: at.split(".").pop() ?? "", value: node };
  } else if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* strings(node[i], `${at}[${i}]`);
  } else if (isRecord(node)) {
    for (const [k, v] of Object.entries(node)) yield* strings(v, at ? `${at}.${k}` : k);
  }
}

/** Every key in a parsed document. */
export function* keys(node: unknown, at = ""): Generator<string> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* keys(node[i], `${at}[${i}]`);
  } else if (isRecord(node)) {
    for (const [k, v] of Object.entries(node)) {
      const path = at ? `${at}.${k}` : k;
      yield path;
      yield* keys(v, path);
    }
  }
}

/** Literal text of a value with `${...}` interpolations removed. */
const literalParts = (value: string): string => value.replace(/\$\{[^}]*\}/g, "${}");

const PROJECT_LITERALS: RegExp[] = [
  /projects\/(?!\$\{)[a-z][a-z0-9-]{4,}/, // projects/<id> spelled out
  /\b[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9-]+\.iam\.gserviceaccount\.com/, // account@<project>.iam...
  /phoenix-project-\d+/,
];

/** The project must come from var.project_id, never a string literal. */
export function findProjectIdViolations(files: TfFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const { at, key, value } of strings(file.doc)) {
      if (
        (key === "project" || key === "project_id" || key === "billing_project") &&
        !value.startsWith("${")
      ) {
        problems.push(`${file.name}: ${at} is a literal (${value}); use var.project_id`);
      }
      const literal = literalParts(value);
      for (const pattern of PROJECT_LITERALS) {
        if (pattern.test(literal))
          problems.push(`${file.name}: ${at} hard-codes a project: ${value}`);
      }
    }
  }
  const projectVar = namedBlocks(files, "variable").get("project_id");
  if (!projectVar) problems.push("variable project_id is missing");
  else if ("default" in projectVar) problems.push("variable project_id must have no default");
  return problems;
}

const SECRET_LITERALS: [string, RegExp][] = [
  ["an AWS-style access key id", /\bAKIA[0-9A-Z]{16}\b/],
  ["a 32-hex-digit literal (R2 access key id or Cloudflare id)", /\b[0-9a-f]{32}\b/i],
  ["a 64-hex-digit literal (R2 secret access key)", /\b[0-9a-f]{64}\b/i],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

const SECRET_KEYS = new Set([
  "secret_data",
  "secret_data_wo",
  "api_token",
  "api_key",
  "api_user_service_key",
  "password",
]);
const SECRET_TYPES = new Set([
  "google_secret_manager_secret_version",
  "google_service_account_key",
]);
const SECRET_VARIABLE = /secret|token|password|access_key|api_key/i;

/** No secret values anywhere: no versions, no secret-bearing arguments, no key-like literals. */
export function findSecretViolations(files: TfFile[]): string[] {
  const problems: string[] = [];
  for (const r of blocksOf(files, "resource")) {
    if (SECRET_TYPES.has(r.type))
      problems.push(`${ref(r)}: secret values must be added out of band`);
  }
  for (const file of files) {
    for (const path of keys(file.doc)) {
      const key =
        path
          .split(".")
          .pop()
          ?.replace(/\[\d+\]$/, "") ?? "";
      if (SECRET_KEYS.has(key))
        problems.push(`${file.name}: ${path} sets a secret-bearing argument`);
    }
    for (const { at, value } of strings(file.doc)) {
      for (const [what, pattern] of SECRET_LITERALS) {
        if (pattern.test(literalParts(value)))
          problems.push(`${file.name}: ${at} looks like ${what}`);
      }
    }
  }
  for (const [name, body] of namedBlocks(files, "variable")) {
    if (SECRET_VARIABLE.test(name) && "default" in body) {
      problems.push(`variable ${name} looks secret and must have no default`);
    }
  }
  return problems;
}
