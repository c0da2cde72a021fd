variable "stage" {
  description = "Deployment stage (dev, prod)."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses notified of alarms (each confirms the subscription by email)."
  type        = list(string)
  default     = []
}

variable "alb_arn_suffix" {
  description = "The load balancer's ARN suffix."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "The web target group's ARN suffix."
  type        = string
}

variable "cluster_name" {
  description = "The ECS cluster."
  type        = string
}

variable "worker_log_group_name" {
  description = "Log group of the Celery worker."
  type        = string
}

variable "max_5xx_percent" {
  description = "Alarm when more than this share of requests fail with 5xx for 5 minutes."
  type        = number
  default     = 1
}

variable "max_worker_errors" {
  description = "Alarm at this many worker error lines in 15 minutes."
  type        = number
  default     = 5
}

variable "kms_key_arn" {
  description = "Key encrypting the alarm topic."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
