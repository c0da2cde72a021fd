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

variable "front_door" {
  description = "What CloudFront sends the app's requests to: load_balancer (an ALB, defined here) or api_gateway (modules/api-gateway)."
  type        = string
  default     = "load_balancer"
  validation {
    condition     = contains(["load_balancer", "api_gateway"], var.front_door)
    error_message = "front_door is load_balancer or api_gateway."
  }
}

variable "front_door_security_group_id" {
  description = "front_door = api_gateway: the VPC link's security group, the only one gunicorn admits."
  type        = string
  default     = null
}

variable "discovery_service_arn" {
  description = "front_door = api_gateway: the Cloud Map service the web tasks register in (API Gateway finds them there)."
  type        = string
  default     = null
}

variable "trusted_proxies" {
  description = "SGOODIE_TRUSTED_PROXIES: addresses of the front door, the containers' only peers (* when only it can reach their subnets)."
  type        = string
  default     = "*"
}

variable "public_task_ips" {
  description = "Run the tasks in the public subnets with public addresses (no NAT gateway needed); their security group still admits only the front door."
  type        = bool
  default     = false
}

variable "single_task" {
  description = "Run web, worker and beat in one task of this size ({ cpu = 256, memory = 2048 }), one copy, no autoscaling; null for three services."
  type = object({
    cpu    = number
    memory = number
  })
  default = null
}

variable "redis" {
  description = "elasticache (REDIS_URL from Secrets Manager) or sidecar (Valkey in the task, on loopback; needs single_task)."
  type        = string
  default     = "elasticache"
  validation {
    condition     = contains(["elasticache", "sidecar"], var.redis)
    error_message = "redis is elasticache or sidecar."
  }
}

variable "valkey_image" {
  description = "redis = sidecar: the Valkey image (multi-architecture, from ECR Public so pulls need no Docker Hub quota)."
  type        = string
  default     = "public.ecr.aws/valkey/valkey:8.1-alpine"
}

variable "valkey_max_memory_mb" {
  description = "redis = sidecar: Valkey's maxmemory; the oldest pages with an expiry go first."
  type        = number
  default     = 128
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64 (Graviton: about 20% cheaper; the image must be built for it, docs/deployment.md)."
  type        = string
  default     = "X86_64"
  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture is X86_64 or ARM64."
  }
}

variable "container_insights" {
  description = "Container Insights on the cluster: per-service and per-task metrics, billed as custom metrics (docs/cost.md)."
  type        = bool
  default     = true
}

variable "web_concurrency" {
  description = "WEB_CONCURRENCY for gunicorn; 0 leaves gunicorn's 2 x CPUs + 1 (a fractional Fargate vCPU still shows 2 CPUs)."
  type        = number
  default     = 0
}

variable "worker_concurrency" {
  description = "Image jobs one Celery worker runs at once (each 18 MP photo needs about 400 MB)."
  type        = number
  default     = 2
}

variable "public_subnet_ids" {
  description = "Subnets of the load balancer (and of the tasks with public_task_ips)."
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
  description = "Secrets Manager ARN of REDIS_URL (redis = elasticache)."
  type        = string
  default     = null
}

variable "sentry_dsn_secret_arn" {
  description = "Secrets Manager ARN of SENTRY_DSN, or empty for no Sentry."
  type        = string
  default     = ""
}

variable "ses_identity_arns" {
  description = "SES identities (the verified domain or sender address) the web tasks may send the site's e-mails from; empty for none."
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
