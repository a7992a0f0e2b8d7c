# Google APIs the system calls or that `firebase deploy` needs for 2nd gen
# functions, task queues, scheduled functions and the Auth trigger.
locals {
  google_apis = toset([
    "aiplatform.googleapis.com",          # Veo (predictLongRunning)
    "artifactregistry.googleapis.com",    # function images
    "billingbudgets.googleapis.com",      # google_billing_budget
    "cloudbilling.googleapis.com",
    "cloudbuild.googleapis.com",          # function builds
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",      # the stuck-job sweeper
    "cloudtasks.googleapis.com",          # generation task queue
    "eventarc.googleapis.com",            # 2nd gen event triggers
    "firebase.googleapis.com",
    "firebaserules.googleapis.com",       # firestore.rules deploys
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",      # OIDC tokens for task dispatch
    "identitytoolkit.googleapis.com",     # Firebase Auth
    "logging.googleapis.com",
    "pubsub.googleapis.com",              # Eventarc and scheduler transport
    "run.googleapis.com",                 # 2nd gen functions run on Cloud Run
    "secretmanager.googleapis.com",       # R2 keys
    "serviceusage.googleapis.com",
    "storage.googleapis.com",             # Veo temporary output
  ])
}

resource "google_project_service" "apis" {
  for_each = local.google_apis

  project = var.project_id
  service = each.value

  # Leave APIs on at destroy: other tooling in the project may rely on them.
  disable_on_destroy = false
}
