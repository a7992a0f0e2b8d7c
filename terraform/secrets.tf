# R2 credentials, read by the functions through defineSecret(). Only the
# secret containers live here: add versions out of band, e.g.
#   printf %s "$KEY" | gcloud secrets versions add R2_ACCESS_KEY_ID --data-file=-
locals {
  r2_secret_ids = toset(["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"])
}

resource "google_secret_manager_secret" "r2" {
  for_each = local.r2_secret_ids

  project   = var.project_id
  secret_id = each.value

  replication {
    auto {}
  }

  labels = merge(local.labels, { service = "r2-credentials" })

  depends_on = [google_project_service.apis]
}

# Secret accessor on these two secrets only, never project-wide.
resource "google_secret_manager_secret_iam_member" "functions_r2" {
  for_each = google_secret_manager_secret.r2

  project   = var.project_id
  secret_id = each.value.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = local.functions_sa_member
}
