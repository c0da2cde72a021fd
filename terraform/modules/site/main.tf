# The whole site in one module; environments/dev, prod and solo differ only in the values they
# pass. Reading order: data and secrets, network, storage, CDN, the app, Redis, DNS, alarms.
# solo trades high availability for a small bill (docs/cost.md): no NAT gateway (the task has a
# public address), API Gateway instead of a load balancer, one task running web, worker, beat and
# Valkey, no ElastiCache, no web ACL, no Container Insights.

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = ">= 5.60"
      configuration_aliases = [aws.us_east_1]
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4"
    }
  }
}

locals {
  name        = "sgoodie-${var.stage}"
  alb         = var.front_door == "load_balancer"
  elasticache = var.redis == "elasticache"
  site_url    = "https://${var.domain_name}"
  bucket_name = "sgoodie-photos-${var.stage}" # sgoodie's default for SGOODIE_BUCKET
  tags        = merge({ Application = "sgoodie", Stage = var.stage }, var.tags)
  # The site's e-mails (the contact and proofing plugins' notifications, any plugin's send_mail)
  # go out through SES from this verified sender: the site's one mail setting.
  mail_environment = var.contact_sender == "" ? {} : { SGOODIE_MAIL = "ses", SGOODIE_MAIL_FROM = var.contact_sender }
  mail_identities = var.contact_sender == "" ? [] : [
    "arn:aws:ses:${var.region}:${data.aws_caller_identity.current.account_id}:identity/${var.contact_sender}",
    "arn:aws:ses:${var.region}:${data.aws_caller_identity.current.account_id}:identity/${split("@", var.contact_sender)[1]}",
  ]
}

module "secrets" {
  source           = "../secrets"
  stage            = var.stage
  redis_url_secret = local.elasticache
  tags             = local.tags
}

module "logs" {
  source      = "../log-bucket"
  bucket_name = "${local.name}-logs-${data.aws_caller_identity.current.account_id}"
  tags        = local.tags
}

data "aws_caller_identity" "current" {
  # The sizes an environment passes must make sense together.
  lifecycle {
    precondition {
      condition     = var.nat_gateways > 0 || var.public_task_ips
      error_message = "Without a NAT gateway the tasks need public addresses (public_task_ips) to reach ECR, Secrets Manager and the AWS APIs."
    }
    precondition {
      condition     = local.elasticache || var.single_task != null
      error_message = "redis = \"sidecar\" needs single_task: the processes must share the task whose Valkey they use."
    }
  }
}

module "network" {
  source           = "../network"
  stage            = var.stage
  region           = var.region
  cidr_block       = var.vpc_cidr
  nat_gateways     = var.nat_gateways
  public_workloads = var.public_task_ips
  # API Gateway's VPC links reach most zones but not these (its docs list the supported zone IDs
  # per region); ignored in other regions, zone IDs being region-prefixed.
  exclude_zone_ids = local.alb ? [] : ["use1-az3", "ape1-az1"]
  kms_key_arn      = module.secrets.kms_key_arn
  tags             = local.tags
}

module "tables" {
  source              = "../dynamodb-tables"
  stage               = var.stage
  kms_key_arn         = module.secrets.kms_key_arn
  deletion_protection = var.deletion_protection
  tags                = local.tags
}

module "photos" {
  source                      = "../photo-bucket"
  bucket_name                 = local.bucket_name
  kms_key_arn                 = module.secrets.kms_key_arn
  upload_origins              = [for host in concat([var.domain_name], var.extra_aliases) : "https://${host}"]
  cloudfront_distribution_arn = module.cdn.distribution_arn
  s3_events_url               = "${local.site_url}/api/media/s3-events"
  log_bucket_id               = module.logs.bucket_id
  tags                        = local.tags
}

# Proves to the load balancer that a request came through CloudFront.
resource "random_password" "origin_verify" {
  length  = 40
  special = false
}

module "cdn" {
  source                      = "../cdn"
  providers                   = { aws = aws, aws.us_east_1 = aws.us_east_1 }
  name                        = local.name
  aliases                     = concat([var.domain_name], var.extra_aliases)
  certificate_arn             = var.site_certificate_arn
  origin_domain_name          = var.origin_domain_name
  origin_verify_secret        = random_password.origin_verify.result
  bucket_regional_domain_name = module.photos.bucket_regional_domain_name
  log_bucket_domain_name      = module.logs.bucket_domain_name
  waf_log_kms_key_arn         = var.region == "us-east-1" ? module.secrets.kms_key_arn : null
  price_class                 = var.price_class
  waf                         = var.waf
  forward_host_header         = local.alb # API Gateway routes by Host: it gets its own name
  tags                        = local.tags
}

module "app" {
  source                       = "../app-service"
  stage                        = var.stage
  image_tag                    = var.image_tag
  site_url                     = local.site_url
  allowed_hosts                = concat([var.domain_name], var.extra_aliases)
  plugins                      = var.plugins
  max_upload_mb                = var.max_upload_mb
  vpc_id                       = module.network.vpc_id
  vpc_cidr                     = var.vpc_cidr
  public_subnet_ids            = module.network.public_subnet_ids
  private_subnet_ids           = module.network.private_subnet_ids
  origin_certificate_arn       = var.origin_certificate_arn
  origin_verify_secret         = random_password.origin_verify.result
  bucket_name                  = module.photos.bucket_name
  bucket_arn                   = module.photos.bucket_arn
  uploads_topic_arn            = module.photos.uploads_topic_arn
  table_arns                   = module.tables.table_arns
  kms_key_arn                  = module.secrets.kms_key_arn
  secret_key_arn               = module.secrets.secret_key_arn
  redis_url_secret_arn         = module.secrets.redis_url_secret_arn
  front_door                   = var.front_door
  front_door_security_group_id = local.alb ? null : module.front_door[0].vpc_link_security_group_id
  discovery_service_arn        = local.alb ? null : module.front_door[0].discovery_service_arn
  # The containers' only peers: the load balancer (private subnets: anything there is it), or
  # API Gateway's VPC link, whose network interfaces live in the private subnets.
  trusted_proxies             = local.alb ? "*" : join(",", module.network.private_subnet_cidrs)
  public_task_ips             = var.public_task_ips
  single_task                 = var.single_task
  redis                       = var.redis
  cpu_architecture            = var.cpu_architecture
  container_insights          = var.container_insights
  web_concurrency             = var.web_concurrency
  worker_concurrency          = var.worker_concurrency
  sentry_dsn_secret_arn       = var.sentry_dsn_secret_arn
  extra_environment           = local.mail_environment
  ses_identity_arns           = local.mail_identities
  cloudfront_distribution_id  = module.cdn.distribution_id
  cloudfront_distribution_arn = module.cdn.distribution_arn
  log_bucket_id               = module.logs.bucket_id
  web_cpu                     = var.web_cpu
  web_memory                  = var.web_memory
  worker_cpu                  = var.worker_cpu
  worker_memory               = var.worker_memory
  web_min_count               = var.web_min_count
  web_max_count               = var.web_max_count
  worker_min_count            = var.worker_min_count
  worker_max_count            = var.worker_max_count
  deletion_protection         = var.deletion_protection
  tags                        = local.tags
}

module "redis" {
  count                    = local.elasticache ? 1 : 0
  source                   = "../redis"
  stage                    = var.stage
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.app.app_security_group_id
  node_type                = var.redis_node_type
  replicas                 = var.redis_replicas
  auth_token               = module.secrets.redis_auth_token
  kms_key_arn              = module.secrets.kms_key_arn
  tags                     = local.tags
}

# The Redis URL the containers read (REDIS_URL): TLS, the auth token, database 0.
resource "aws_secretsmanager_secret_version" "redis_url" {
  count         = local.elasticache ? 1 : 0
  secret_id     = module.secrets.redis_url_secret_arn
  secret_string = "rediss://:${module.secrets.redis_auth_token}@${module.redis[0].primary_endpoint}:6379/0?ssl_cert_reqs=required"
}

# -- front door without an hourly charge (front_door = "api_gateway") -------------------------------
module "front_door" {
  count                 = local.alb ? 0 : 1
  source                = "../api-gateway"
  stage                 = var.stage
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.private_subnet_ids
  app_security_group_id = module.app.app_security_group_id
  domain_name           = var.origin_domain_name
  certificate_arn       = var.origin_certificate_arn
  origin_verify_secret  = random_password.origin_verify.result
  kms_key_arn           = module.secrets.kms_key_arn
  tags                  = local.tags
}

# -- DNS -------------------------------------------------------------------------------------------
resource "aws_route53_record" "site" {
  for_each = toset(concat([var.domain_name], var.extra_aliases))
  zone_id  = var.hosted_zone_id
  name     = each.value
  type     = "A"
  alias {
    name                   = module.cdn.domain_name
    zone_id                = module.cdn.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "origin" {
  zone_id = var.hosted_zone_id
  name    = var.origin_domain_name
  type    = "A"
  alias {
    name                   = local.alb ? module.app.alb_dns_name : module.front_door[0].domain_target.name
    zone_id                = local.alb ? module.app.alb_zone_id : module.front_door[0].domain_target.zone_id
    evaluate_target_health = local.alb
  }
}

module "monitoring" {
  source                  = "../monitoring"
  stage                   = var.stage
  alarm_emails            = var.alarm_emails
  front_door              = var.front_door
  alb_arn_suffix          = module.app.alb_arn_suffix
  target_group_arn_suffix = module.app.target_group_arn_suffix
  api_id                  = local.alb ? null : module.front_door[0].api_id
  cluster_name            = module.app.cluster_name
  worker_service_name     = module.app.worker_service_name
  container_insights      = var.container_insights
  worker_log_group_name   = module.app.log_group_names["worker"]
  kms_key_arn             = module.secrets.kms_key_arn
  tags                    = local.tags
}

# ElastiCache became optional (count) with the solo environment's Valkey sidecar.
moved {
  from = module.redis
  to   = module.redis[0]
}

moved {
  from = aws_secretsmanager_secret_version.redis_url
  to   = aws_secretsmanager_secret_version.redis_url[0]
}
