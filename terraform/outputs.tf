# Values the functions need (as params / environment), and nothing secret.

output "project_id" {
  description = "Project id (GCLOUD_PROJECT of the functions)."
  value       = var.project_id
}

output "region" {
  description = "Region of the functions and task queues."
  value       = var.region
}

output "functions_service_account_email" {
  description = "Runtime service account: set as `serviceAccount` in the functions' global options."
  value       = google_service_account.functions.email
}

output "veo_output_bucket" {
  description = "Bucket name for Veo's temporary output."
  value       = google_storage_bucket.veo_output.name
}

output "veo_output_uri" {
  description = "storageUri prefix passed to Veo (gs://bucket/veo/)."
  value       = "gs://${google_storage_bucket.veo_output.name}/veo/"
}

output "r2_secret_names" {
  description = "Secret Manager ids of the R2 keys (defineSecret names); values are added out of band."
  value       = sort([for s in google_secret_manager_secret.r2 : s.secret_id])
}

output "r2_endpoint" {
  description = "S3 API endpoint of the R2 account (region `auto`)."
  value       = "https://${var.cloudflare_account_id}.r2.cloudflarestorage.com"
}

output "r2_drafts_bucket" {
  description = "Private drafts bucket (objects under videos/)."
  value       = cloudflare_r2_bucket.drafts.name
}

output "r2_public_bucket" {
  description = "Public bucket that published media is copied to."
  value       = cloudflare_r2_bucket.public.name
}

output "r2_public_url" {
  description = "Base URL of published media (R2_PUBLIC_URL)."
  value       = "https://${cloudflare_r2_custom_domain.public.domain}"
}

output "worker_invoker_granted" {
  description = "Whether run.invoker on the worker service is managed here yet (see var.worker_deployed)."
  value       = var.worker_deployed
}

# The functions' params that come from this infrastructure, keyed by param name
# (functions/src/config/params.ts). Write them to functions/.env.<project_id> before
# `firebase deploy`; checks/deploy-manifest.test.ts keeps the names in step with the code.
output "functions_params" {
  description = "Functions params by name (dotenv keys for functions/.env.<project_id>)."
  value = {
    RUNTIME_SERVICE_ACCOUNT = google_service_account.functions.email
    VERTEX_PROJECT          = var.project_id
    VERTEX_LOCATION         = var.region
    VEO_OUTPUT_URI          = "gs://${google_storage_bucket.veo_output.name}/veo/"
    R2_ENDPOINT             = "https://${var.cloudflare_account_id}.r2.cloudflarestorage.com"
    R2_BUCKET               = cloudflare_r2_bucket.drafts.name
    R2_PUBLIC_BUCKET        = cloudflare_r2_bucket.public.name
    R2_PUBLIC_URL           = "https://${cloudflare_r2_custom_domain.public.domain}"
  }
}
