# Runtime identity of every Phoenix function (set as `serviceAccount` in the
# functions' global options). Nothing here is granted at owner/editor level.
resource "google_service_account" "functions" {
  project      = var.project_id
  account_id   = "phoenix-functions-${var.env}"
  display_name = "Phoenix functions runtime (${var.env})"
  description  = "Runs the Phoenix callables, the generation worker and the sweeper."

  depends_on = [google_project_service.apis]
}

# Project-level roles with no narrower scope available:
# - aiplatform.user: call Veo predictLongRunning / fetchPredictOperation;
# - cloudtasks.enqueuer: enqueue generation tasks (queues are created by
#   `firebase deploy`, so they cannot be bound here one by one);
# - datastore.user: Firestore reads and writes through the Admin SDK.
locals {
  functions_project_roles = toset([
    "roles/aiplatform.user",
    "roles/cloudtasks.enqueuer",
    "roles/datastore.user",
  ])
}

resource "google_project_iam_member" "functions" {
  for_each = local.functions_project_roles

  project = var.project_id
  role    = each.value
  member  = local.functions_sa_member
}

# Tasks carry an OIDC token for the runtime account itself (the worker
# re-enqueues its own follow-up polls), and Cloud Tasks only mints it for a
# caller that may act as that account: serviceAccountUser on itself only.
resource "google_service_account_iam_member" "functions_act_as_self" {
  service_account_id = google_service_account.functions.name
  role               = "roles/iam.serviceAccountUser"
  member             = local.functions_sa_member
}

# Whoever runs `firebase deploy` must be able to attach this account.
resource "google_service_account_iam_member" "deployers_act_as_functions" {
  for_each = toset(var.deployer_members)

  service_account_id = google_service_account.functions.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}

# Cloud Tasks calls the workers with that OIDC token: run.invoker on the worker
# services only, not on the project. They exist only after the first deploy,
# hence the flag.
resource "google_cloud_run_v2_service_iam_member" "functions_invoke_worker" {
  for_each = var.worker_deployed ? toset(var.worker_service_names) : toset([])

  project  = var.project_id
  location = var.region
  name     = each.value
  role     = "roles/run.invoker"
  member   = local.functions_sa_member
}
