# Alarms that page the photographer's operator: the site answering with errors, image jobs
# failing, no worker running, unhealthy web tasks. Notifications go to an SNS topic (email).
# The front door decides where errors are counted: the load balancer's metrics, or API Gateway's
# (solo). Without Container Insights (solo) "no worker" is read from ECS's free service metrics.

locals {
  alb = var.front_door == "load_balancer"
  # One source per front door: its 5xx answers (each a metric_query) and its requests.
  error_metrics = local.alb ? [
    { id = "target5xx", namespace = "AWS/ApplicationELB", name = "HTTPCode_Target_5XX_Count", dimensions = { LoadBalancer = var.alb_arn_suffix } },
    { id = "elb5xx", namespace = "AWS/ApplicationELB", name = "HTTPCode_ELB_5XX_Count", dimensions = { LoadBalancer = var.alb_arn_suffix } },
    ] : [
    { id = "api5xx", namespace = "AWS/ApiGateway", name = "5xx", dimensions = { ApiId = var.api_id } },
  ]
  request_metric = local.alb ? { namespace = "AWS/ApplicationELB", name = "RequestCount", dimensions = { LoadBalancer = var.alb_arn_suffix } } : { namespace = "AWS/ApiGateway", name = "Count", dimensions = { ApiId = var.api_id } }
}

resource "aws_sns_topic" "alarms" {
  name              = "sgoodie-${var.stage}-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alarm_emails)
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# -- 5xx rate at the front door -------------------------------------------------------------------
resource "aws_cloudwatch_metric_alarm" "http_5xx_rate" {
  alarm_name          = "sgoodie-${var.stage}-5xx-rate"
  alarm_description   = "More than ${var.max_5xx_percent}% of requests failed with a 5xx for 5 minutes (app errors or no healthy web task)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_5xx_percent
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * (${join(" + ", [for m in local.error_metrics : "FILL(${m.id}, 0)"])}) / MAX([requests, 1])"
    label       = "5xx %"
    return_data = true
  }
  dynamic "metric_query" {
    for_each = local.error_metrics
    content {
      id = metric_query.value.id
      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.name
        dimensions  = metric_query.value.dimensions
        period      = 60
        stat        = "Sum"
      }
    }
  }
  metric_query {
    id = "requests"
    metric {
      namespace   = local.request_metric.namespace
      metric_name = local.request_metric.name
      dimensions  = local.request_metric.dimensions
      period      = 60
      stat        = "Sum"
    }
  }
  tags = var.tags
}

# Load balancer only: without one, ECS replaces a task whose web container fails /healthz, and
# the no-worker alarm below sees the gap.
resource "aws_cloudwatch_metric_alarm" "unhealthy_web" {
  count               = local.alb ? 1 : 0
  alarm_name          = "sgoodie-${var.stage}-unhealthy-web"
  alarm_description   = "A web task failed its /healthz check (content store or photo bucket unreachable) for 5 minutes."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# -- image jobs ------------------------------------------------------------------------------------
# The worker logs JSON (SGOODIE_LOG_FORMAT=json); every error-level line is a failed job attempt,
# a permanent failure or a crash.
resource "aws_cloudwatch_log_metric_filter" "worker_errors" {
  name           = "sgoodie-${var.stage}-worker-errors"
  log_group_name = var.worker_log_group_name
  pattern        = "{ ($.level = \"error\") || ($.level = \"critical\") }"
  metric_transformation {
    name          = "WorkerErrors"
    namespace     = "sgoodie/${var.stage}"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "worker_errors" {
  alarm_name          = "sgoodie-${var.stage}-worker-errors"
  alarm_description   = "Image jobs are failing: ${var.max_worker_errors}+ error lines from the Celery worker in 15 minutes. See the worker log group."
  namespace           = "sgoodie/${var.stage}"
  metric_name         = "WorkerErrors"
  statistic           = "Sum"
  period              = 900
  evaluation_periods  = 1
  threshold           = var.max_worker_errors
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "no_worker" {
  alarm_name        = "sgoodie-${var.stage}-no-worker"
  alarm_description = "No Celery worker task is running: uploads will wait in 'queued'."
  # Container Insights counts running tasks; ECS's free CPU metric has no data points when none runs.
  namespace           = var.container_insights ? "ECS/ContainerInsights" : "AWS/ECS"
  metric_name         = var.container_insights ? "RunningTaskCount" : "CPUUtilization"
  dimensions          = { ClusterName = var.cluster_name, ServiceName = var.worker_service_name }
  statistic           = var.container_insights ? "Minimum" : "SampleCount"
  period              = 60
  evaluation_periods  = 5
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# The unhealthy-web alarm became optional (count) with API Gateway as a front door.
moved {
  from = aws_cloudwatch_metric_alarm.unhealthy_web
  to   = aws_cloudwatch_metric_alarm.unhealthy_web[0]
}
