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
