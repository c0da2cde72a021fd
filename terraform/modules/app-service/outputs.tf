output "alb_dns_name" {
  description = "The load balancer's DNS name (the origin host name is an alias of it)."
  value       = aws_lb.app.dns_name
}

output "alb_zone_id" {
  description = "The load balancer's hosted zone, for alias records."
  value       = aws_lb.app.zone_id
}

output "alb_arn_suffix" {
  description = "For CloudWatch metrics."
  value       = aws_lb.app.arn_suffix
}

output "target_group_arn_suffix" {
  description = "For CloudWatch metrics."
  value       = aws_lb_target_group.web.arn_suffix
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

output "log_group_names" {
  description = "Log group of each process (web, worker, beat)."
  value       = { for name, group in aws_cloudwatch_log_group.process : name => group.name }
}

output "web_task_definition_family" {
  description = "For one-off tasks (sgoodie create-admin) with the web's settings."
  value       = aws_ecs_task_definition.process["web"].family
}
