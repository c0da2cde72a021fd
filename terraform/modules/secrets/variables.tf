variable "stage" {
  description = "Deployment stage (dev, prod)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "redis_url_secret" {
  description = "Create REDIS_URL and the ElastiCache auth token (false when Redis runs beside the app in its task)."
  type        = bool
  default     = true
}
