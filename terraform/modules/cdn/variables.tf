variable "name" {
  description = "Name of the distribution's resources, e.g. sgoodie-prod."
  type        = string
}

variable "aliases" {
  description = "Host names the site answers on, e.g. [\"sgoodie.com\", \"www.sgoodie.com\"]."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate in us-east-1 covering the aliases."
  type        = string
}

variable "origin_domain_name" {
  description = "Host name CloudFront connects to for the app (an alias of the load balancer or API Gateway's custom domain, covered by its certificate), e.g. origin.sgoodie.com."
  type        = string
}

variable "origin_verify_secret" {
  description = "Secret header value proving a request came through CloudFront."
  type        = string
  sensitive   = true
}

variable "bucket_regional_domain_name" {
  description = "The photo bucket's regional domain name."
  type        = string
}

variable "log_bucket_domain_name" {
  description = "Bucket receiving CloudFront's access logs."
  type        = string
}

variable "waf_log_kms_key_arn" {
  description = "KMS key (in us-east-1) for the firewall's log group; empty for the AWS-owned key."
  type        = string
  default     = null
}

variable "price_class" {
  description = "Where CloudFront serves from: PriceClass_100 (North America, Europe), _200, or _All."
  type        = string
  default     = "PriceClass_100"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "waf" {
  description = "Attach a web ACL (AWS managed rules and a sign-in rate limit): $5 a month plus $1 a rule."
  type        = bool
  default     = true
}

variable "forward_host_header" {
  description = "Send the visitor's Host header to the app origin (a load balancer ignores it). false for API Gateway, which needs its own name: the site's host then travels in X-Sgoodie-Host."
  type        = bool
  default     = true
}
