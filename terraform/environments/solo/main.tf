# The solo environment: a photographer's whole site for about $20 a month fixed (docs/cost.md has
# every line and what each saving costs). One ARM task runs gunicorn, the Celery worker, beat and
# a Valkey; API Gateway (no hourly charge) instead of a load balancer; no NAT gateway (the task has
# a public address, its security group admits only API Gateway); no ElastiCache, no web ACL, no
# Container Insights. Same image, same code path: DynamoDB, S3, CloudFront, Celery on Redis.
# Providers and the site module: site.tf, linked from environments/shared. State lives in S3 with locking
# (create the state bucket once by hand: docs/deployment.md, "First deploy").

terraform {
  backend "s3" {
    key          = "sgoodie/solo/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
    # bucket and region come from: terraform init -backend-config=backend.hcl
  }
}

locals {
  stage = "solo"
  sizes = {
    nat_gateways       = 0
    public_task_ips    = true
    front_door         = "api_gateway"
    waf                = false # $8 a month; CloudFront's Shield Standard and the app's own sign-in limits remain
    cpu_architecture   = "ARM64"
    single_task        = { cpu = 256, memory = 2048 } # an 18 MP photo takes ~400 MB to process; 2 GB leaves room for larger ones
    web_cpu            = 256                          # one-off commands (create-admin) run the web container alone
    web_memory         = 512
    worker_cpu         = 256 # not used: the worker runs in the single task
    worker_memory      = 512
    web_min_count      = 1
    web_max_count      = 1
    worker_min_count   = 1
    worker_max_count   = 1
    web_concurrency    = 2 # gunicorn processes: a quarter vCPU still shows 2 CPUs
    worker_concurrency = 1
    redis              = "sidecar"
    redis_node_type    = "cache.t4g.micro" # not used: Valkey runs in the task
    redis_replicas     = 0
    container_insights = false
    # The photographer's content: the tables refuse to be deleted.
    deletion_protection = true
  }
}
