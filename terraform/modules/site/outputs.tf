output "site_url" {
  description = "The site."
  value       = local.site_url
}

output "ecr_repository_url" {
  description = "Push the image here."
  value       = module.app.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster (for one-off tasks and forced deployments)."
  value       = module.app.cluster_name
}

output "cloudfront_distribution_id" {
  description = "CLOUDFRONT_DISTRIBUTION_ID."
  value       = module.cdn.distribution_id
}

output "photo_bucket" {
  description = "SGOODIE_BUCKET."
  value       = module.photos.bucket_name
}

output "table_names" {
  description = "The content tables."
  value       = module.tables.table_names
}

output "secret_key_arn" {
  description = "Rotate SECRET_KEY here."
  value       = module.secrets.secret_key_arn
}

output "log_group_names" {
  description = "Container logs per process."
  value       = module.app.log_group_names
}

output "alarm_topic_arn" {
  description = "Alarm notifications."
  value       = module.monitoring.alarm_topic_arn
}

output "web_task_definition_family" {
  description = "Run one-off commands (create-admin) with this task definition."
  value       = module.app.web_task_definition_family
}

output "private_subnet_ids" {
  description = "The private subnets."
  value       = module.network.private_subnet_ids
}

output "task_subnet_ids" {
  description = "For one-off tasks: the subnets the tasks run in."
  value       = module.app.task_subnet_ids
}

output "task_public_ip" {
  description = "For one-off tasks: assignPublicIp (ENABLED without a NAT gateway)."
  value       = module.app.task_public_ip
}

output "app_security_group_id" {
  description = "For one-off tasks."
  value       = module.app.app_security_group_id
}
