output "primary_endpoint" {
  description = "Host name of the primary node."
  value       = aws_elasticache_replication_group.redis.primary_endpoint_address
}

output "replication_group_id" {
  description = "For alarms and operators."
  value       = aws_elasticache_replication_group.redis.id
}
