# The (default) database. Rules and indexes are deployed with `firebase deploy
# --only firestore` from firestore.rules and firestore.indexes.json.
# Firestore databases take no labels; their cost shows under the project.
resource "google_firestore_database" "default" {
  count = var.manage_firestore_database ? 1 : 0

  project         = var.project_id
  name            = "(default)"
  location_id     = var.firestore_location
  type            = "FIRESTORE_NATIVE"
  deletion_policy = "ABANDON"

  delete_protection_state = "DELETE_PROTECTION_ENABLED"

  depends_on = [google_project_service.apis]
}
