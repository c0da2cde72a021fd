variable "bucket_name" {
  description = "Name of the photo bucket (sgoodie's SGOODIE_BUCKET; default naming sgoodie-photos-<stage>)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for objects and the SNS topic."
  type        = string
}

variable "upload_origins" {
  description = "Origins whose pages may POST uploads straight to the bucket (the site's own, e.g. https://sgoodie.com)."
  type        = list(string)
}

variable "cloudfront_distribution_arn" {
  description = "The distribution allowed to read variants and page images."
  type        = string
}

variable "s3_events_url" {
  description = "HTTPS URL of the site's S3 event endpoint, e.g. https://sgoodie.com/api/media/s3-events."
  type        = string
}

variable "log_bucket_id" {
  description = "Bucket receiving the access logs."
  type        = string
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted photo version is kept (in Glacier after 90) before it is removed."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
