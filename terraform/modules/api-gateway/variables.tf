variable "stage" {
  description = "Deployment stage (solo); names are sgoodie-<stage>-..."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the VPC link's network interfaces (the private ones: they need no way out)."
  type        = list(string)
}

variable "app_security_group_id" {
  description = "Security group of the containers the VPC link reaches."
  type        = string
}

variable "app_port" {
  description = "gunicorn's port in the containers."
  type        = number
  default     = 8000
}

variable "domain_name" {
  description = "Host name CloudFront connects to, e.g. origin.sgoodie.com (covered by certificate_arn)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate in the stack's region for domain_name."
  type        = string
}

variable "origin_verify_secret" {
  description = "Value of the X-Origin-Verify header CloudFront adds; requests without it are refused."
  type        = string
  sensitive   = true
}

variable "kms_key_arn" {
  description = "The environment's data key (log groups, the authorizer's settings)."
  type        = string
}

variable "log_retention_days" {
  description = "Days the access log and the authorizer's log are kept."
  type        = number
  default     = 365
}

variable "throttling_rate_limit" {
  description = "Requests per second API Gateway passes to the app (steady)."
  type        = number
  default     = 50
}

variable "throttling_burst_limit" {
  description = "Requests API Gateway passes to the app in a burst."
  type        = number
  default     = 100
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
