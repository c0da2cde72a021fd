variable "prefix" {
  description = "First part of every table name (sgoodie's TABLE_PREFIX): tables are <prefix>-<name>-<stage>."
  type        = string
  default     = "sgoodie"
}

variable "stage" {
  description = "Deployment stage, the last part of every table name (SGOODIE_STAGE)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key that encrypts the tables."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the tables (keep true in prod)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every table."
  type        = map(string)
  default     = {}
}
