# The prod environment: its state key, stage and sizes (two zones for everything, Redis failover, deletion protection).
# Providers and the site module: site.tf, linked from environments/shared. State lives in S3 with locking
# (create the state bucket once by hand: docs/deployment.md, "First deploy").

terraform {
  backend "s3" {
    key          = "sgoodie/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
    # bucket and region come from: terraform init -backend-config=backend.hcl
  }
}

locals {
  stage = "prod"
  sizes = {
    nat_gateways        = 2
    web_min_count       = 2
    web_max_count       = 6
    worker_min_count    = 1
    worker_max_count    = 4
    redis_node_type     = "cache.t4g.small"
    redis_replicas      = 1
    deletion_protection = true
  }
}
