variable "stage" {
  description = "Deployment stage (dev, prod); names are sgoodie-<stage>-..."
  type        = string
}

variable "image_tag" {
  description = "Tag of the sgoodie image in this environment's ECR repository (tags are immutable: use the git commit)."
  type        = string
}

variable "site_url" {
  description = "Public origin of the site, e.g. https://sgoodie.com (SGOODIE_SITE_URL and MEDIA_BASE_URL)."
  type        = string
}

variable "allowed_hosts" {
  description = "Host names the site answers on (SGOODIE_ALLOWED_HOSTS): the domain and its aliases."
  type        = list(string)
}

variable "plugins" {
  description = "SGOODIE_PLUGINS: empty for every installed plugin, or a comma list (-name disables one)."
  type        = string
  default     = ""
}

variable "max_upload_mb" {
  description = "SGOODIE_MAX_UPLOAD_MB: largest photo an admin may upload."
  type        = number
  default     = 50
}

variable "extra_environment" {
  description = "More sgoodie settings for every container (names from the README's configuration table)."
  type        = map(string)
  default     = {}
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "vpc_cidr" {
  description = "The VPC's range (containers reach Redis inside it)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the containers."
  type        = list(string)
}

variable "origin_certificate_arn" {
  description = "ACM certificate (in this region) for the origin host name CloudFront connects to."
  type        = string
}

variable "origin_verify_secret" {
  description = "Value of the X-Origin-Verify header CloudFront adds; requests without it are refused."
  type        = string
  sensitive   = true
}

variable "bucket_name" {
  description = "The photo bucket (SGOODIE_BUCKET)."
  type        = string
}

variable "bucket_arn" {
  description = "The photo bucket's ARN."
  type        = string
}

variable "table_arns" {
  description = "Content table ARNs by logical name."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "The environment's data key."
  type        = string
}

variable "secret_key_arn" {
  description = "Secrets Manager ARN of SECRET_KEY."
  type        = string
}

variable "redis_url_secret_arn" {
  description = "Secrets Manager ARN of REDIS_URL."
  type        = string
}

variable "sentry_dsn_secret_arn" {
  description = "Secrets Manager ARN of SENTRY_DSN, or empty for no Sentry."
  type        = string
  default     = ""
}

variable "ses_identity_arns" {
  description = "SES identities (the verified domain or sender address) the web tasks may send inquiry notifications from; empty for none."
  type        = list(string)
  default     = []
}

variable "uploads_topic_arn" {
  description = "The SNS topic announcing new photo originals, the only one whose messages /api/media/s3-events accepts (SGOODIE_SNS_TOPIC_ARN)."
  type        = string
}

variable "cloudfront_distribution_id" {
  description = "The distribution purged after changes (CLOUDFRONT_DISTRIBUTION_ID)."
  type        = string
}

variable "cloudfront_distribution_arn" {
  description = "The same distribution's ARN (invalidation permission)."
  type        = string
}

variable "log_bucket_id" {
  description = "Bucket for the load balancer's access logs."
  type        = string
}

variable "log_retention_days" {
  description = "Days the containers' logs are kept."
  type        = number
  default     = 365
}

variable "web_cpu" {
  description = "CPU units of a web task (1024 = 1 vCPU); gunicorn runs 2 x vCPU + 1 workers."
  type        = number
  default     = 512
}

variable "web_memory" {
  description = "Memory (MiB) of a web task."
  type        = number
  default     = 1024
}

variable "worker_cpu" {
  description = "CPU units of a worker task; image jobs use every core they get."
  type        = number
  default     = 1024
}

variable "worker_memory" {
  description = "Memory (MiB) of a worker task: two concurrent 18 MP jobs need about 800 MB."
  type        = number
  default     = 2048
}

variable "web_min_count" {
  description = "Fewest web tasks."
  type        = number
  default     = 2
}

variable "web_max_count" {
  description = "Most web tasks."
  type        = number
  default     = 6
}

variable "worker_min_count" {
  description = "Fewest worker tasks."
  type        = number
  default     = 1
}

variable "worker_max_count" {
  description = "Most worker tasks."
  type        = number
  default     = 4
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
