variable "bucket_name" {
  description = "Name of the log bucket."
  type        = string
}

variable "retention_days" {
  description = "Days access logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
