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
    public_task_ips     = false
    front_door          = "load_balancer"
    waf                 = true
    cpu_architecture    = "X86_64"
    single_task         = null # three services: web, worker, beat
    web_cpu             = 512
    web_memory          = 1024
    worker_cpu          = 1024
    worker_memory       = 2048
    web_min_count       = 1
    web_max_count       = 2
    worker_min_count    = 1
    worker_max_count    = 2
    web_concurrency     = 0 # gunicorn's 2 x CPUs + 1
    worker_concurrency  = 2
    redis               = "elasticache"
    redis_node_type     = "cache.t4g.micro"
    redis_replicas      = 0
    container_insights  = true
    deletion_protection = false
  }
}
