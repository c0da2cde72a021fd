# The prod environment: the site module with prod's sizes. State lives in S3 with locking
# (create the state bucket once by hand: docs/deployment.md, "First deploy").

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
  }
  backend "s3" {
    key          = "sgoodie/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
    # bucket and region come from: terraform init -backend-config=backend.hcl
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Application = "sgoodie", Stage = "prod", ManagedBy = "terraform" }
  }
}

# CloudFront's certificate and web ACL live in us-east-1 whatever the stack's region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
  default_tags {
    tags = { Application = "sgoodie", Stage = "prod", ManagedBy = "terraform" }
  }
}

module "site" {
  source    = "../../modules/site"
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  stage                  = "prod"
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

  nat_gateways        = 2
  web_min_count       = 2
  web_max_count       = 6
  worker_min_count    = 1
  worker_max_count    = 4
  redis_node_type     = "cache.t4g.small"
  redis_replicas      = 1
  deletion_protection = true
}
