output "bucket_id" {
  description = "The log bucket's name."
  value       = aws_s3_bucket.logs.id
}

output "bucket_domain_name" {
  description = "For CloudFront's logging configuration."
  value       = aws_s3_bucket.logs.bucket_domain_name
}
