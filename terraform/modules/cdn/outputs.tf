output "distribution_id" {
  description = "CLOUDFRONT_DISTRIBUTION_ID."
  value       = aws_cloudfront_distribution.site.id
}

output "distribution_arn" {
  description = "For the bucket policy and the invalidation permission."
  value       = aws_cloudfront_distribution.site.arn
}

output "domain_name" {
  description = "The distribution's own host name (alias records point here)."
  value       = aws_cloudfront_distribution.site.domain_name
}

output "hosted_zone_id" {
  description = "CloudFront's hosted zone, for alias records."
  value       = aws_cloudfront_distribution.site.hosted_zone_id
}
