# A front door with no hourly charge (the solo environment): CloudFront -> an API Gateway HTTP API
# on its own custom domain -> a VPC link -> the web containers, found through Cloud Map. HTTP APIs
# bill per request, and their VPC links (unlike REST APIs' first ones, which needed a Network
# Load Balancer) have no hourly charge: docs/cost.md has the sources.
#
# Only CloudFront gets through: the route needs CloudFront's secret X-Origin-Verify header, checked
# by a small Lambda authorizer whose answer API Gateway caches for an hour per header value (a
# request without the header is refused before any Lambda runs). The execute-api address is off.
#
# What the app receives (docs/cost.md, "The solo front door"): Host put back to the site's name
# from X-Sgoodie-Host (CloudFront sends API Gateway its own name), and the client chain in the
# RFC 7239 Forwarded header that API Gateway writes: for=<client>, for=<CloudFront edge>.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
    archive = {
      source = "hashicorp/archive"
    }
  }
}

data "aws_region" "current" {}

locals {
  name = "sgoodie-${var.stage}"
}

# -- service discovery: ECS registers each web task (address and port) here ----------------------
# API Gateway reads SRV-style instances (address and port); A records alone are not supported.
resource "aws_service_discovery_private_dns_namespace" "app" {
  name        = "${local.name}.internal"
  description = "sgoodie ${var.stage}: web tasks for API Gateway's VPC link"
  vpc         = var.vpc_id
  tags        = var.tags
}

resource "aws_service_discovery_service" "web" {
  name = "web"
  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.app.id
    routing_policy = "MULTIVALUE"
    dns_records {
      ttl  = 10
      type = "SRV"
    }
  }
  # ECS reports each task's health (its containers' health checks) to Cloud Map.
  health_check_custom_config {
    failure_threshold = 1
  }
  tags = var.tags
}

# -- the VPC link: API Gateway's network interfaces in the private subnets ------------------------
resource "aws_security_group" "vpc_link" {
  name        = "${local.name}-vpc-link"
  description = "API Gateway VPC link: out to gunicorn only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_egress_rule" "vpc_link_to_app" {
  security_group_id            = aws_security_group.vpc_link.id
  description                  = "To the web containers"
  referenced_security_group_id = var.app_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
}

resource "aws_apigatewayv2_vpc_link" "app" {
  name               = local.name
  subnet_ids         = var.subnet_ids
  security_group_ids = [aws_security_group.vpc_link.id]
  tags               = var.tags
}

# -- the API ---------------------------------------------------------------------------------------
resource "aws_apigatewayv2_api" "site" {
  name                         = local.name
  description                  = "sgoodie ${var.stage}: CloudFront's origin for the app"
  protocol_type                = "HTTP"
  disable_execute_api_endpoint = true # only the custom domain, which CloudFront uses
  tags                         = var.tags
}

resource "aws_apigatewayv2_integration" "app" {
  api_id                 = aws_apigatewayv2_api.site.id
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = aws_service_discovery_service.web.arn
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.app.id
  payload_format_version = "1.0"
  timeout_milliseconds   = 30000 # gunicorn's own timeout
  request_parameters = {
    "overwrite:header.host"         = "$request.header.x-sgoodie-host"
    "remove:header.x-sgoodie-host"  = "''"
    "remove:header.x-origin-verify" = "''" # the secret stops here
  }
}

resource "aws_apigatewayv2_route" "everything" {
  api_id             = aws_apigatewayv2_api.site.id
  route_key          = "$default"
  target             = "integrations/${aws_apigatewayv2_integration.app.id}"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.origin.id
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/sgoodie/${var.stage}/api-gateway"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.site.id
  name        = "$default"
  auto_deploy = true
  # A ceiling in front of one small task: CloudFront serves the cached pages, this is what reaches the app.
  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId         = "$context.requestId", time = "$context.requestTime", method = "$context.httpMethod"
      path              = "$context.path", status = "$context.status", latencyMs = "$context.responseLatency"
      integrationStatus = "$context.integrationStatus", integrationError = "$context.integrationErrorMessage"
      authorizerError   = "$context.authorizer.error", sourceIp = "$context.identity.sourceIp"
    })
  }
  tags = var.tags
}

# -- the custom domain CloudFront connects to (origin.<site>), with the regional certificate --------
resource "aws_apigatewayv2_domain_name" "origin" {
  domain_name = var.domain_name
  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
  tags = var.tags
}

resource "aws_apigatewayv2_api_mapping" "origin" {
  api_id      = aws_apigatewayv2_api.site.id
  domain_name = aws_apigatewayv2_domain_name.origin.id
  stage       = aws_apigatewayv2_stage.default.id
}

# -- origin check: CloudFront's secret header, or 403 ----------------------------------------------
data "archive_file" "origin_verify" {
  type             = "zip"
  source_file      = "${path.module}/origin_verify.py"
  output_path      = "${path.module}/.build/origin_verify.zip"
  output_file_mode = "0644"
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "origin_verify" {
  name               = "${local.name}-origin-verify"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "origin_verify" {
  name              = "/aws/lambda/${local.name}-origin-verify" # where Lambda writes
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "origin_verify" {
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.origin_verify.arn}:*"]
  }
  statement {
    sid       = "ReadItsSecret"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "origin_verify" {
  name   = "write-logs"
  role   = aws_iam_role.origin_verify.id
  policy = data.aws_iam_policy_document.origin_verify.json
}

resource "aws_lambda_function" "origin_verify" {
  #checkov:skip=CKV_AWS_116:API Gateway calls the authorizer synchronously; a dead-letter queue only serves asynchronous invocations
  #checkov:skip=CKV_AWS_117:It compares a header with its setting and calls nothing; a VPC would add network interfaces for no reason
  #checkov:skip=CKV_AWS_272:The code is one file in this repository, zipped by Terraform; there is no separate artefact to sign
  #checkov:skip=CKV_AWS_50:Tracing one header comparison, cached an hour at a time, would only add X-Ray charges
  function_name                  = "${local.name}-origin-verify"
  description                    = "API Gateway authorizer: lets through requests that carry CloudFront's X-Origin-Verify secret"
  role                           = aws_iam_role.origin_verify.arn
  runtime                        = "python3.13"
  architectures                  = ["arm64"]
  handler                        = "origin_verify.handler"
  filename                       = data.archive_file.origin_verify.output_path
  source_code_hash               = data.archive_file.origin_verify.output_base64sha256
  memory_size                    = 128
  timeout                        = 3
  reserved_concurrent_executions = 10 # answers are cached: a burst of misses needs few at once
  kms_key_arn                    = var.kms_key_arn
  environment {
    variables = { ORIGIN_VERIFY = var.origin_verify_secret }
  }
  depends_on = [aws_cloudwatch_log_group.origin_verify, aws_iam_role_policy.origin_verify]
  tags       = var.tags
}

resource "aws_apigatewayv2_authorizer" "origin" {
  api_id                            = aws_apigatewayv2_api.site.id
  name                              = "origin-verify"
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = aws_lambda_function.origin_verify.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  identity_sources                  = ["$request.header.x-origin-verify"]
  authorizer_result_ttl_in_seconds  = 3600
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "ApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.origin_verify.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.site.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.origin.id}"
}
