output "api_id" {
  description = "The HTTP API (its CloudWatch metrics)."
  value       = aws_apigatewayv2_api.site.id
}

output "discovery_service_arn" {
  description = "The Cloud Map service ECS registers the web tasks in."
  value       = aws_service_discovery_service.web.arn
}

output "vpc_link_security_group_id" {
  description = "The VPC link's security group: the only one the containers admit."
  value       = aws_security_group.vpc_link.id
}

output "domain_target" {
  description = "Where the origin host name's alias record points (API Gateway's regional name and zone)."
  value = {
    name    = aws_apigatewayv2_domain_name.origin.domain_name_configuration[0].target_domain_name
    zone_id = aws_apigatewayv2_domain_name.origin.domain_name_configuration[0].hosted_zone_id
  }
}
