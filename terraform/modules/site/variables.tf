variable "stage" {
  description = "Deployment stage: names every resource and sets SGOODIE_STAGE (tables sgoodie-<name>-<stage>)."
  type        = string
}

variable "region" {
  description = "AWS region of the stack."
  type        = string
}

variable "domain_name" {
  description = "The site's host name, e.g. sgoodie.com (SGOODIE_SITE_URL is https://<domain_name>)."
  type        = string
}

variable "extra_aliases" {
  description = "More host names served by the distribution, e.g. [\"www.sgoodie.com\"]."
  type        = list(string)
  default     = []
}

variable "origin_domain_name" {
  description = "Host name CloudFront uses to reach the load balancer, e.g. origin.sgoodie.com."
  type        = string
}

variable "hosted_zone_id" {
  description = "Route 53 zone of the domain."
  type        = string
}

variable "site_certificate_arn" {
  description = "ACM certificate in us-east-1 for domain_name and extra_aliases (CloudFront)."
  type        = string
}

variable "origin_certificate_arn" {
  description = "ACM certificate in the stack's region for origin_domain_name (load balancer)."
  type        = string
}

variable "image_tag" {
  description = "Tag of the image to run (push it to the ECR repository first: docs/deployment.md)."
  type        = string
}

variable "plugins" {
  description = "SGOODIE_PLUGINS for every container."
  type        = string
  default     = ""
}

variable "max_upload_mb" {
  description = "SGOODIE_MAX_UPLOAD_MB."
  type        = number
  default     = 50
}

variable "sentry_dsn_secret_arn" {
  description = "Secrets Manager ARN holding SENTRY_DSN; empty for no Sentry."
  type        = string
  default     = ""
}

variable "contact_sender" {
  description = "Sender of the site's e-mails, SGOODIE_MAIL_FROM (inquiry and selection notifications, gallery reminders; an SES-verified address or domain), e.g. site@sgoodie.com; empty for no e-mails."
  type        = string
  default     = ""
}

variable "alarm_emails" {
  description = "Who is told when an alarm fires."
  type        = list(string)
  default     = []
}

variable "vpc_cidr" {
  description = "Address range of the VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "nat_gateways" {
  description = "NAT gateways: 2 (one per zone), 1, or 0 (then public_task_ips)."
  type        = number
  default     = 1
}

variable "front_door" {
  description = "What CloudFront sends the app's requests to: load_balancer (ALB) or api_gateway (HTTP API and VPC link, no hourly charge)."
  type        = string
  default     = "load_balancer"
}

variable "public_task_ips" {
  description = "Tasks run in the public subnets with public addresses instead of behind NAT (their security group admits only the front door)."
  type        = bool
  default     = false
}

variable "single_task" {
  description = "Run web, worker and beat in one task of this size, e.g. { cpu = 256, memory = 2048 }; null for three autoscaled services."
  type = object({
    cpu    = number
    memory = number
  })
  default = null
}

variable "redis" {
  description = "elasticache (a replication group) or sidecar (Valkey in the single task, no ElastiCache)."
  type        = string
  default     = "elasticache"
}

variable "cpu_architecture" {
  description = "Fargate tasks' architecture: X86_64 or ARM64 (Graviton, cheaper; build the image for it)."
  type        = string
  default     = "X86_64"
}

variable "waf" {
  description = "Attach the CloudFront web ACL (AWS managed rules, sign-in rate limit)."
  type        = bool
  default     = true
}

variable "container_insights" {
  description = "Container Insights on the ECS cluster (custom metrics, billed per metric)."
  type        = bool
  default     = true
}

variable "web_concurrency" {
  description = "gunicorn worker processes (WEB_CONCURRENCY); 0 for 2 x CPUs + 1."
  type        = number
  default     = 0
}

variable "worker_concurrency" {
  description = "Image jobs a Celery worker runs at once."
  type        = number
  default     = 2
}

variable "web_cpu" {
  description = "CPU units per web task."
  type        = number
  default     = 512
}

variable "web_memory" {
  description = "Memory (MiB) per web task."
  type        = number
  default     = 1024
}

variable "worker_cpu" {
  description = "CPU units per worker task."
  type        = number
  default     = 1024
}

variable "worker_memory" {
  description = "Memory (MiB) per worker task."
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

variable "redis_node_type" {
  description = "ElastiCache node size."
  type        = string
  default     = "cache.t4g.micro"
}

variable "redis_replicas" {
  description = "Redis replicas (1+ gives automatic failover)."
  type        = number
  default     = 0
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"
}

variable "deletion_protection" {
  description = "Protect tables and the load balancer from deletion."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
