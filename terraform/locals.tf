locals {
  # Cost labels on every labelable resource; each resource merges in its own
  # `service`. The budget below filters on app = phoenix.
  labels = {
    app   = "phoenix"
    env   = var.env
    phase = "3"
  }

  functions_sa_member = "serviceAccount:${google_service_account.functions.email}"
}
