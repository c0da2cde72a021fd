# Shared by environments/dev, prod and solo (each links to this file): all take the same inputs.
variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-east-1"
}

variable "domain_name" {
  description = "The site's host name."
  type        = string
}

variable "extra_aliases" {
  description = "More host names (e.g. www.)."
  type        = list(string)
  default     = []
}

variable "origin_domain_name" {
  description = "Host name CloudFront connects to: the load balancer, or API Gateway in solo (covered by origin_certificate_arn)."
  type        = string
}

variable "hosted_zone_id" {
  description = "Route 53 zone of the domain."
  type        = string
}

variable "site_certificate_arn" {
  description = "ACM certificate in us-east-1 for the site's host names."
  type        = string
}

variable "origin_certificate_arn" {
  description = "ACM certificate in the stack's region for origin_domain_name."
  type        = string
}

variable "image_tag" {
  description = "The image to run: its tag in the ECR repository (the git commit)."
  type        = string
}

variable "alarm_emails" {
  description = "Who receives alarms."
  type        = list(string)
  default     = []
}

variable "sentry_dsn_secret_arn" {
  description = "Secrets Manager ARN of SENTRY_DSN (optional)."
  type        = string
  default     = ""
}

variable "contact_sender" {
  description = "SES-verified sender of the site's e-mails, SGOODIE_MAIL_FROM (empty: none)."
  type        = string
  default     = ""
}

variable "plugins" {
  description = "SGOODIE_PLUGINS."
  type        = string
  default     = ""
}
