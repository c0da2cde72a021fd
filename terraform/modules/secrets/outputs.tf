output "kms_key_arn" {
  description = "The environment's data key."
  value       = aws_kms_key.data.arn
}

output "secret_key_arn" {
  description = "Secrets Manager ARN of SECRET_KEY."
  value       = aws_secretsmanager_secret.secret_key.arn
}

output "redis_url_secret_arn" {
  description = "Secrets Manager ARN of REDIS_URL (its value is written by the environment once Redis exists); null without ElastiCache."
  value       = one(aws_secretsmanager_secret.redis_url[*].arn)
}

output "redis_auth_token" {
  description = "Auth token for ElastiCache."
  value       = one(random_password.redis_auth[*].result)
  sensitive   = true
}
