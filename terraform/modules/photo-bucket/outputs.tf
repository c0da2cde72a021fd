output "bucket_name" {
  description = "The photo bucket's name."
  value       = aws_s3_bucket.photos.id
}

output "bucket_arn" {
  description = "The photo bucket's ARN."
  value       = aws_s3_bucket.photos.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name, the CloudFront origin."
  value       = aws_s3_bucket.photos.bucket_regional_domain_name
}

output "uploads_topic_arn" {
  description = "SNS topic announcing new originals."
  value       = aws_sns_topic.uploads.arn
}
