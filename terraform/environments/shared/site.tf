# Shared by environments/dev, prod and solo (each links to this file): providers and the site
# module. Each environment's main.tf holds only its state key, its stage and its sizes.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }
}

# Every resource carries these tags: activate Application and Stage as cost allocation tags to see
# each environment's bill apart (docs/cost.md, "Reading the real bill").
provider "aws" {
  region = var.region
  default_tags {
    tags = { Application = "sgoodie", Stage = local.stage, ManagedBy = "terraform" }
  }
}

# CloudFront's certificate and web ACL live in us-east-1 whatever the stack's region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
  default_tags {
    tags = { Application = "sgoodie", Stage = local.stage, ManagedBy = "terraform" }
  }
}

module "site" {
  source    = "../../modules/site"
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  stage                  = local.stage
  region                 = var.region
  domain_name            = var.domain_name
  extra_aliases          = var.extra_aliases
  origin_domain_name     = var.origin_domain_name
  hosted_zone_id         = var.hosted_zone_id
  site_certificate_arn   = var.site_certificate_arn
  origin_certificate_arn = var.origin_certificate_arn
  image_tag              = var.image_tag
  alarm_emails           = var.alarm_emails
  sentry_dsn_secret_arn  = var.sentry_dsn_secret_arn
  plugins                = var.plugins
  contact_sender         = var.contact_sender

  nat_gateways        = local.sizes.nat_gateways
  public_task_ips     = local.sizes.public_task_ips
  front_door          = local.sizes.front_door
  waf                 = local.sizes.waf
  cpu_architecture    = local.sizes.cpu_architecture
  single_task         = local.sizes.single_task
  web_cpu             = local.sizes.web_cpu
  web_memory          = local.sizes.web_memory
  worker_cpu          = local.sizes.worker_cpu
  worker_memory       = local.sizes.worker_memory
  web_min_count       = local.sizes.web_min_count
  web_max_count       = local.sizes.web_max_count
  worker_min_count    = local.sizes.worker_min_count
  worker_max_count    = local.sizes.worker_max_count
  web_concurrency     = local.sizes.web_concurrency
  worker_concurrency  = local.sizes.worker_concurrency
  redis               = local.sizes.redis
  redis_node_type     = local.sizes.redis_node_type
  redis_replicas      = local.sizes.redis_replicas
  container_insights  = local.sizes.container_insights
  deletion_protection = local.sizes.deletion_protection
}
