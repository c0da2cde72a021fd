# Shared by environments/dev, prod and solo (each links to this file).
output "site_url" {
  description = "The site."
  value       = module.site.site_url
}

output "ecr_repository_url" {
  description = "Push images here."
  value       = module.site.ecr_repository_url
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = module.site.cluster_name
}

output "cloudfront_distribution_id" {
  description = "The distribution."
  value       = module.site.cloudfront_distribution_id
}

output "photo_bucket" {
  description = "The photo bucket."
  value       = module.site.photo_bucket
}

output "table_names" {
  description = "The content tables."
  value       = module.site.table_names
}

output "secret_key_arn" {
  description = "SECRET_KEY in Secrets Manager."
  value       = module.site.secret_key_arn
}

output "log_group_names" {
  description = "Container logs."
  value       = module.site.log_group_names
}

output "web_task_definition_family" {
  description = "For one-off tasks."
  value       = module.site.web_task_definition_family
}

output "private_subnet_ids" {
  description = "The private subnets."
  value       = module.site.private_subnet_ids
}

output "task_subnet_ids" {
  description = "For one-off tasks: the subnets the tasks run in."
  value       = module.site.task_subnet_ids
}

output "task_public_ip" {
  description = "For one-off tasks: assignPublicIp (ENABLED in solo, which has no NAT gateway)."
  value       = module.site.task_public_ip
}

output "app_security_group_id" {
  description = "For one-off tasks."
  value       = module.site.app_security_group_id
}
