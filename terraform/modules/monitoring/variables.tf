variable "stage" {
  description = "Deployment stage (dev, prod)."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses notified of alarms (each confirms the subscription by email)."
  type        = list(string)
  default     = []
}

variable "front_door" {
  description = "What receives CloudFront's requests: load_balancer or api_gateway (its metrics feed the 5xx alarm)."
  type        = string
  default     = "load_balancer"
}

variable "alb_arn_suffix" {
  description = "The load balancer's ARN suffix (front_door = load_balancer)."
  type        = string
  default     = null
}

variable "target_group_arn_suffix" {
  description = "The web target group's ARN suffix (front_door = load_balancer)."
  type        = string
  default     = null
}

variable "api_id" {
  description = "The HTTP API's id (front_door = api_gateway)."
  type        = string
  default     = null
}

variable "worker_service_name" {
  description = "The ECS service whose tasks run the Celery worker (worker, or app when one task runs everything)."
  type        = string
  default     = "worker"
}

variable "container_insights" {
  description = "Container Insights is on for the cluster (its RunningTaskCount is the better no-worker signal)."
  type        = bool
  default     = true
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
