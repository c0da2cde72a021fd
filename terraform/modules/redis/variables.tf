variable "stage" {
  description = "Deployment stage (dev, prod)."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the cache nodes."
  type        = list(string)
}

variable "client_security_group_id" {
  description = "Security group of the containers allowed to connect."
  type        = string
}

variable "node_type" {
  description = "Cache node size."
  type        = string
  default     = "cache.t4g.micro"
}

variable "replicas" {
  description = "Read replicas; 1 or more turns on automatic failover across zones (prod)."
  type        = number
  default     = 0
}

variable "auth_token" {
  description = "Redis AUTH token (from the secrets module)."
  type        = string
  sensitive   = true
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots kept (the cache is rebuildable; the broker's queue is what they save)."
  type        = number
  default     = 1
}

variable "kms_key_arn" {
  description = "Key encrypting the data at rest and the log group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
