# Two R2 buckets (R2 has no object ACLs, so privacy is per bucket):
# - drafts: private; objects under videos/<uid>/<creationId>.mp4; served only
#   through short-lived presigned URLs handed to the owner (getMediaUrl);
# - public: published media, copied there by publishCreation and served on
#   the custom domain. Neither bucket has its r2.dev address enabled.

resource "cloudflare_r2_bucket" "drafts" {
  account_id    = var.cloudflare_account_id
  name          = var.r2_drafts_bucket_name
  location      = var.r2_location
  storage_class = "Standard"
}

resource "cloudflare_r2_bucket" "public" {
  account_id    = var.cloudflare_account_id
  name          = var.r2_public_bucket_name
  location      = var.r2_location
  storage_class = "Standard"
}

resource "cloudflare_r2_managed_domain" "drafts" {
  account_id  = var.cloudflare_account_id
  bucket_name = cloudflare_r2_bucket.drafts.name
  enabled     = false
}

resource "cloudflare_r2_managed_domain" "public" {
  account_id  = var.cloudflare_account_id
  bucket_name = cloudflare_r2_bucket.public.name
  enabled     = false
}

# Published media only; the domain must be a hostname in var.cloudflare_zone_id.
resource "cloudflare_r2_custom_domain" "public" {
  account_id  = var.cloudflare_account_id
  bucket_name = cloudflare_r2_bucket.public.name
  domain      = var.r2_public_domain
  zone_id     = var.cloudflare_zone_id
  enabled     = true
  min_tls     = "1.2"
}

# The worker streams uploads in parts; a crash mid-upload leaves parts that are
# billed until aborted. R2's default is 7 days; abort after 1 day (86400 s).
locals {
  r2_abort_multipart_rule = {
    id      = "abort-unfinished-multipart-uploads-after-1-day"
    enabled = true
    conditions = {
      prefix = ""
    }
    abort_multipart_uploads_transition = {
      condition = {
        type    = "Age"
        max_age = 86400
      }
    }
  }
}

# Input images users upload (createUpload) live under uploads/<uid>/ in the
# private bucket and are usable for one day; then R2 deletes them (86400 s).
# The sweeper removes their documents and objects too (storage without lifecycle rules).
locals {
  r2_expire_uploads_rule = {
    id      = "delete-uploads-after-1-day"
    enabled = true
    conditions = {
      prefix = "uploads/"
    }
    delete_objects_transition = {
      condition = {
        type    = "Age"
        max_age = 86400
      }
    }
  }
}

resource "cloudflare_r2_bucket_lifecycle" "drafts" {
  account_id  = var.cloudflare_account_id
  bucket_name = cloudflare_r2_bucket.drafts.name
  rules       = [local.r2_abort_multipart_rule, local.r2_expire_uploads_rule]
}

resource "cloudflare_r2_bucket_lifecycle" "public" {
  account_id  = var.cloudflare_account_id
  bucket_name = cloudflare_r2_bucket.public.name
  rules       = [local.r2_abort_multipart_rule]
}

# Browsers PUT users' images straight to the private bucket with a presigned URL
# (createUpload): only the apps' origins, only PUT, only the signed content-type header.
resource "cloudflare_r2_bucket_cors" "drafts" {
  account_id  = var.cloudflare_account_id
  bucket_name = cloudflare_r2_bucket.drafts.name
  rules = [{
    id = "app-uploads"
    allowed = {
      methods = ["PUT"]
      origins = var.app_origins
      headers = ["content-type"]
    }
    max_age_seconds = 3600
  }]
}
