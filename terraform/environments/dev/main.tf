# The dev environment: its state key, stage and sizes (one NAT, one web task, no Redis replica, deletable).
# Providers and the site module: site.tf, linked from environments/shared. State lives in S3 with locking
# (create the state bucket once by hand: docs/deployment.md, "First deploy").

terraform {
  backend "s3" {
    key          = "sgoodie/dev/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
    # bucket and region come from: terraform init -backend-config=backend.hcl
  }
}

locals {
  stage = "dev"
  sizes = {
    nat_gateways        = 1
    web_min_count       = 1
    web_max_count       = 2
    worker_min_count    = 1
    worker_max_count    = 2
    redis_node_type     = "cache.t4g.micro"
    redis_replicas      = 0
    deletion_protection = false
  }
}
