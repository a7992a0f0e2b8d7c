variable "project_id" {
  description = "Google Cloud / Firebase project id that hosts the functions, Firestore and the Veo output bucket."
  type        = string
}

variable "region" {
  description = "Region of the functions, the Cloud Tasks queues and the Veo output bucket."
  type        = string
  default     = "us-central1"
}

variable "env" {
  description = "Deployment environment; becomes the `env` cost label and a suffix of global names."
  type        = string
  default     = "prod"

  validation {
    # Keeps "phoenix-functions-<env>" within the 30-character account id limit.
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.env))
    error_message = "env must be 2-12 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "firestore_location" {
  description = "Location of the (default) Firestore database (nam5 is the US multi-region)."
  type        = string
  default     = "nam5"
}

variable "manage_firestore_database" {
  description = "Create the (default) Firestore database here. Set false when Firebase already created it."
  type        = bool
  default     = true
}

variable "billing_account_id" {
  description = "Billing account (000000-000000-000000) that pays for the project; the budget is created on it."
  type        = string
}

variable "monthly_budget_usd" {
  description = "Monthly budget in USD for everything labelled app=phoenix."
  type        = number
  default     = 200
}

variable "project_budget_usd" {
  description = "Monthly budget in USD for the whole project, catching unlabelled spend such as Veo requests; 0 disables it."
  type        = number
  default     = 500
}

variable "budget_alert_thresholds" {
  description = "Fractions of the budget (actual spend) that send an alert to the billing account's admins."
  type        = list(number)
  default     = [0.5, 0.9, 1.0]
}

variable "worker_service_names" {
  description = "Cloud Run service names of the task-queue functions (2nd gen function names, lowercased): startGeneration, pollGeneration."
  type        = list(string)
  default     = ["startgeneration", "pollgeneration"]
}

variable "worker_deployed" {
  description = "Set true after the first `firebase deploy`: grants run.invoker on the worker services only (they must exist)."
  type        = bool
  default     = false
}

variable "deployer_members" {
  description = "IAM members (user:..., serviceAccount:...) that deploy the functions and so must act as the runtime service account."
  type        = list(string)
  default     = []
}

variable "cloudflare_account_id" {
  description = "Cloudflare account id that owns the R2 buckets (not a secret)."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of the domain that serves published media."
  type        = string
}

variable "r2_public_domain" {
  description = "Custom domain serving the public (published) media bucket, e.g. media.example.com."
  type        = string
}

variable "r2_drafts_bucket_name" {
  description = "Private R2 bucket for drafts (objects under videos/); reachable only through presigned URLs."
  type        = string
  default     = "phoenix-media"
}

variable "r2_public_bucket_name" {
  description = "Public R2 bucket for published media, served only on the custom domain."
  type        = string
  default     = "phoenix-media-public"
}

variable "r2_location" {
  description = "R2 location hint for both buckets (wnam, enam, weur, eeur, apac, oc)."
  type        = string
  default     = "enam"
}

variable "app_origins" {
  description = "Origins of the web apps that upload images straight to the private bucket (presigned PUT), e.g. https://studio.example.com."
  type        = list(string)
}
