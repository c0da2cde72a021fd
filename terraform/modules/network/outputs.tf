output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.main.id
}

output "public_subnet_ids" {
  description = "Subnets for the load balancer."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Subnets for the containers and Redis."
  value       = aws_subnet.private[*].id
}

output "public_subnet_cidrs" {
  description = "Address ranges of the public subnets."
  value       = aws_subnet.public[*].cidr_block
}

output "private_subnet_cidrs" {
  description = "Address ranges of the private subnets (the API Gateway VPC link's network interfaces live here)."
  value       = aws_subnet.private[*].cidr_block
}
