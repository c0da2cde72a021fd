output "alb_dns_name" {
  description = "The load balancer's DNS name (the origin host name is an alias of it); null without one."
  value       = one(aws_lb.app[*].dns_name)
}

output "alb_zone_id" {
  description = "The load balancer's hosted zone, for alias records; null without one."
  value       = one(aws_lb.app[*].zone_id)
}

output "alb_arn_suffix" {
  description = "For CloudWatch metrics; null without a load balancer."
  value       = one(aws_lb.app[*].arn_suffix)
}

output "target_group_arn_suffix" {
  description = "For CloudWatch metrics; null without a load balancer."
  value       = one(aws_lb_target_group.web[*].arn_suffix)
}

output "app_security_group_id" {
  description = "Security group of the containers (Redis admits it)."
  value       = aws_security_group.app.id
}

output "ecr_repository_url" {
  description = "Push images here: docs/deployment.md."
  value       = aws_ecr_repository.app.repository_url
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.main.name
}

output "worker_service_name" {
  description = "The ECS service whose tasks run the Celery worker (worker, or app when one task runs everything)."
  value       = local.single ? aws_ecs_service.app[0].name : aws_ecs_service.worker[0].name
}

output "log_group_names" {
  description = "Log group of each process (web, worker, beat, and valkey when it runs in the task)."
  value       = { for name, group in aws_cloudwatch_log_group.process : name => group.name }
}

output "web_task_definition_family" {
  description = "For one-off tasks (sgoodie create-admin) with the web's settings."
  value       = aws_ecs_task_definition.process["web"].family
}

output "task_subnet_ids" {
  description = "Subnets the tasks run in (one-off tasks too)."
  value       = local.task_subnets
}

output "task_public_ip" {
  description = "assignPublicIp for one-off tasks: ENABLED where the tasks have no NAT gateway."
  value       = var.public_task_ips ? "ENABLED" : "DISABLED"
}
