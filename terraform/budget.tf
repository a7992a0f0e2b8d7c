data "google_project" "this" {
  project_id = var.project_id
}

# Alerts (to the billing account's admins) when spend on resources labelled
# app = phoenix crosses each threshold; a forecast alert warns before it happens.
resource "google_billing_budget" "phoenix" {
  billing_account = var.billing_account_id
  display_name    = "phoenix-${var.env}"

  budget_filter {
    projects        = ["projects/${data.google_project.this.number}"]
    calendar_period = "MONTH"
    labels = {
      app = local.labels.app
    }
  }

  amount {
    specified_amount {
      currency_code = "USD"
      units         = tostring(var.monthly_budget_usd)
    }
  }

  dynamic "threshold_rules" {
    for_each = var.budget_alert_thresholds
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  depends_on = [google_project_service.apis]
}

# Vertex AI (Veo) requests carry no resource labels, so the label-filtered
# budget above can miss the biggest cost. This project-wide budget is the
# backstop; set project_budget_usd = 0 to leave it out.
resource "google_billing_budget" "project" {
  count = var.project_budget_usd > 0 ? 1 : 0

  billing_account = var.billing_account_id
  display_name    = "phoenix-${var.env}-project"

  budget_filter {
    projects        = ["projects/${data.google_project.this.number}"]
    calendar_period = "MONTH"
  }

  amount {
    specified_amount {
      currency_code = "USD"
      units         = tostring(var.project_budget_usd)
    }
  }

  dynamic "threshold_rules" {
    for_each = var.budget_alert_thresholds
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  depends_on = [google_project_service.apis]
}
