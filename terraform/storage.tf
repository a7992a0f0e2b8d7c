# Veo writes each generated video here (storageUri); the worker streams it to
# R2 and deletes it. The lifecycle rule is the backstop for crashed runs.
resource "google_storage_bucket" "veo_output" {
  project  = var.project_id
  name     = "${var.project_id}-veo-output-${var.env}"
  location = upper(var.region)

  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "Delete"
    }
  }

  # Abandoned resumable uploads would otherwise linger and be billed.
  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  labels = merge(local.labels, { service = "veo-output" })

  depends_on = [google_project_service.apis]
}

# The worker reads and deletes Veo's objects: object admin on this bucket only.
resource "google_storage_bucket_iam_member" "functions_veo_output" {
  bucket = google_storage_bucket.veo_output.name
  role   = "roles/storage.objectAdmin"
  member = local.functions_sa_member
}

# Veo runs as the Vertex AI service agent and writes its output as that agent.
resource "google_project_service_identity" "vertex_ai" {
  provider = google-beta

  project = var.project_id
  service = "aiplatform.googleapis.com"

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket_iam_member" "vertex_ai_veo_output" {
  bucket = google_storage_bucket.veo_output.name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_project_service_identity.vertex_ai.email}"
}
