# The app on ECS Fargate: one image, three processes (gunicorn web, Celery worker, Celery beat).
# Either three services, each with its own least-privilege task role, behind an Application Load
# Balancer that only CloudFront can reach (dev, prod); or, for the smallest bill (solo), one task
# running all three beside a Valkey container (var.single_task, var.redis = "sidecar"), reached
# through API Gateway (modules/api-gateway). Configuration comes from environment variables
# (sgoodie/config.py) and secrets from Secrets Manager.

data "aws_region" "current" {}
data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

locals {
  name   = "sgoodie-${var.stage}"
  alb    = var.front_door == "load_balancer"
  single = var.single_task != null
  # Valkey in the task, on loopback only: nothing outside the task can reach it, so no password.
  sidecar_redis = var.redis == "sidecar"
  # Every variable here is a setting sgoodie reads (tests/infra checks them against config.py).
  environment = merge({
    SGOODIE_BACKEND            = "aws"
    SGOODIE_STAGE              = var.stage
    AWS_REGION                 = data.aws_region.current.name
    SGOODIE_BUCKET             = var.bucket_name
    SGOODIE_SITE_URL           = var.site_url
    SGOODIE_ALLOWED_HOSTS      = join(",", var.allowed_hosts) # any other Host header gets 400
    MEDIA_BASE_URL             = var.site_url                 # variants are served by the same distribution
    CLOUDFRONT_DISTRIBUTION_ID = var.cloudfront_distribution_id
    SGOODIE_SNS_TOPIC_ARN      = var.uploads_topic_arn # /api/media/s3-events accepts this topic only
    SGOODIE_PROXY_HOPS         = "2"                   # CloudFront, then the load balancer or API Gateway
    SGOODIE_TRUSTED_PROXIES    = var.trusted_proxies   # the front door's addresses (the only way in)
    SGOODIE_LOG_FORMAT         = "json"
    SGOODIE_PLUGINS            = var.plugins
    SGOODIE_MAX_UPLOAD_MB      = tostring(var.max_upload_mb)
  }, local.sized_environment, var.extra_environment)
  sized_environment = merge(
    var.web_concurrency > 0 ? { WEB_CONCURRENCY = tostring(var.web_concurrency) } : {},
    local.sidecar_redis ? { REDIS_URL = "redis://127.0.0.1:6379/0" } : {},
  )
  secrets = merge(
    { SECRET_KEY = var.secret_key_arn },
    local.sidecar_redis ? {} : { REDIS_URL = var.redis_url_secret_arn },
    var.sentry_dsn_secret_arn == "" ? {} : { SENTRY_DSN = var.sentry_dsn_secret_arn },
  )
  processes = {
    web    = { command = ["gunicorn", "-c", "gunicorn.conf.py", "sgoodie:create_app()"], cpu = var.web_cpu, memory = var.web_memory }
    worker = { command = ["celery", "-A", "celery_worker", "worker", "--loglevel=info", "--concurrency=${var.worker_concurrency}"], cpu = var.worker_cpu, memory = var.worker_memory }
    beat   = { command = ["celery", "-A", "celery_worker", "beat", "--loglevel=info", "--schedule", "/app/instance/celerybeat-schedule"], cpu = 256, memory = 512 }
  }
  # In one task the processes share its CPU; these shares decide who waits when it is busy:
  # visitors first, then image jobs (they only take longer), then the schedule and Valkey.
  shares = { web = 128, worker = 96, beat = 16, valkey = 16 }
  # Task definitions: one per process for the services (and, with one task, the web one for one-off
  # commands such as create-admin), plus "app" with all three when one task runs everything.
  task_processes = local.single ? { web = local.processes.web } : local.processes
  log_groups     = merge(local.processes, local.sidecar_redis ? { valkey = {} } : {})
}

# -- containers ----------------------------------------------------------------------------------
locals {
  containers = { for name, process in local.processes : name => merge({
    name                   = name
    image                  = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
    command                = process.command
    essential              = true
    readonlyRootFilesystem = true
    user                   = "10001"
    portMappings           = name == "web" ? [{ containerPort = 8000, protocol = "tcp" }] : []
    environment            = [for key in sort(keys(local.environment)) : { name = key, value = local.environment[key] }]
    secrets                = [for key in sort(keys(local.secrets)) : { name = key, valueFrom = local.secrets[key] }]
    mountPoints = [
      { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
      { sourceVolume = "instance", containerPath = "/app/instance", readOnly = false },
    ]
    healthCheck = name == "web" ? {
      command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 20
    } : null
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.process[name].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = name
      }
    }
    }, local.single ? { cpu = local.shares[name] } : {},
    local.sidecar_redis ? { dependsOn = [{ containerName = "valkey", condition = "HEALTHY" }] } : {},
  ) }
  # Page cache and Celery broker for the processes of its task. Nothing is saved to disk: a new
  # task starts empty (pages are drawn again, lost photo jobs are re-queued by the sweeper).
  # volatile-lru keeps the cache's purge counters (no expiry) from being evicted.
  sidecars = local.sidecar_redis ? [{
    name                   = "valkey"
    image                  = var.valkey_image
    command                = ["valkey-server", "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no", "--dir", "/data", "--maxmemory", "${var.valkey_max_memory_mb}mb", "--maxmemory-policy", "volatile-lru"]
    essential              = true
    readonlyRootFilesystem = true
    cpu                    = local.shares.valkey
    mountPoints            = [{ sourceVolume = "valkey", containerPath = "/data", readOnly = false }] # its working directory; nothing is saved there
    healthCheck = {
      command     = ["CMD", "valkey-cli", "ping"]
      interval    = 10
      timeout     = 3
      retries     = 3
      startPeriod = 5
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.process["valkey"].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "valkey"
      }
    }
  }] : []
}

# -- image registry ------------------------------------------------------------------------------
resource "aws_ecr_repository" "app" {
  name                 = local.name
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({ rules = [{
    rulePriority = 1, description = "keep the last 30 images"
    selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 }
    action       = { type = "expire" }
  }] })
}

# -- network -------------------------------------------------------------------------------------
resource "aws_security_group" "alb" {
  count       = local.alb ? 1 : 0
  name        = "${local.name}-alb"
  description = "Load balancer: HTTPS from CloudFront only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  count             = local.alb ? 1 : 0
  security_group_id = aws_security_group.alb[0].id
  description       = "HTTPS from CloudFront's origin-facing addresses"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "alb_to_app" {
  count                        = local.alb ? 1 : 0
  security_group_id            = aws_security_group.alb[0].id
  description                  = "To the web containers"
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 8000
  to_port                      = 8000
}

resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "Web, worker and beat containers"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

# The only way in, whatever the subnet: the load balancer, or API Gateway's VPC link.
resource "aws_vpc_security_group_ingress_rule" "app_from_front_door" {
  security_group_id            = aws_security_group.app.id
  description                  = local.alb ? "gunicorn from the load balancer" : "gunicorn from API Gateway's VPC link"
  referenced_security_group_id = local.alb ? aws_security_group.alb[0].id : var.front_door_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 8000
  to_port                      = 8000
}

resource "aws_vpc_security_group_egress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  description       = "HTTPS to AWS APIs (DynamoDB, S3, CloudFront, Secrets Manager, ECR, logs) and SNS certificates"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "app_redis" {
  count             = local.sidecar_redis ? 0 : 1
  security_group_id = aws_security_group.app.id
  description       = "Redis inside the VPC"
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
}

# -- load balancer (front_door = "load_balancer") ------------------------------------------------
resource "aws_lb" "app" {
  #checkov:skip=CKV2_AWS_28:Only CloudFront reaches it (prefix-list security group and a secret header), and CloudFront has the web ACL
  count                      = local.alb ? 1 : 0
  name                       = local.name
  load_balancer_type         = "application"
  internal                   = false # CloudFront needs a public origin; the security group admits only CloudFront
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb[0].id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 60
  access_logs {
    bucket  = var.log_bucket_id
    prefix  = "alb"
    enabled = true
  }
  tags = var.tags
}

resource "aws_lb_target_group" "web" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the hop to gunicorn stays inside private subnets
  count                = local.alb ? 1 : 0
  name                 = "${local.name}-web"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 20
  health_check {
    path                = "/healthz" # store and blob store; Redis being down must not empty the pool
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count             = local.alb ? 1 : 0
  load_balancer_arn = aws_lb.app[0].arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.origin_certificate_arn
  # Only requests carrying CloudFront's secret header reach the app (the rule below).
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }
  tags = var.tags
}

resource "aws_lb_listener_rule" "from_cloudfront" {
  count        = local.alb ? 1 : 0
  listener_arn = aws_lb_listener.https[0].arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web[0].arn
  }
  condition {
    http_header {
      http_header_name = "X-Origin-Verify"
      values           = [var.origin_verify_secret]
    }
  }
  tags = var.tags
}

# -- logs ----------------------------------------------------------------------------------------
resource "aws_cloudwatch_log_group" "process" {
  for_each          = local.log_groups
  name              = "/sgoodie/${var.stage}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# -- IAM: one execution role, one task role per service --------------------------------------------
data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${local.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "PullTheImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [aws_ecr_repository.app.arn]
  }
  statement {
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # GetAuthorizationToken has no resource-level permissions
  }
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for group in aws_cloudwatch_log_group.process : "${group.arn}:*"]
  }
  statement {
    sid       = "ReadSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(local.secrets)
  }
  statement {
    sid       = "DecryptSecretsAndImage"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-tasks"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

locals {
  table_and_index_arns = flatten([for arn in values(var.table_arns) : [arn, "${arn}/index/*"]])
}

# web: the public site, the admin and the media API.
data "aws_iam_policy_document" "web" {
  statement {
    sid = "Content"
    actions = [
      "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
      "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
    ]
    resources = local.table_and_index_arns
  }
  statement {
    sid       = "PhotosList"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
  }
  statement {
    sid = "PhotosReadWrite"
    # AbortMultipartUpload: a page photo streamed past the size limit leaves no parts behind.
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${var.bucket_arn}/projects/*", "${var.bucket_arn}/pages/*"]
  }
  statement {
    # Client galleries' files and plugins' private files: removed with their project, and read
    # by browsers through presigned GETs this role signs (originals for downloads are above).
    sid       = "PrivateFiles"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${var.bucket_arn}/private/*"]
  }
  statement {
    sid       = "EncryptedData"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "PurgeTheCdn"
    actions   = ["cloudfront:CreateInvalidation"]
    resources = [var.cloudfront_distribution_arn]
  }
  # The site's e-mails (SGOODIE_MAIL=ses: the plugins' notifications), from verified identities only.
  dynamic "statement" {
    for_each = length(var.ses_identity_arns) > 0 ? [1] : []
    content {
      sid       = "SendSiteMail"
      actions   = ["ses:SendRawEmail"]
      resources = var.ses_identity_arns
    }
  }
}

# worker: reads originals, writes variants (project and page photos), removes a replaced page photo
# and the files of a photo deleted mid-job, moves a client gallery's variants to private/ and back,
# builds plugins' background files (a gallery's ZIP), records results, purges pages that show the photo.
data "aws_iam_policy_document" "worker" {
  statement {
    sid = "Content"
    actions = [
      "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
      "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
    ]
    resources = local.table_and_index_arns
  }
  statement {
    sid       = "ListPhotos"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
  }
  statement {
    sid       = "ReadOriginals"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arn}/projects/*/original/*", "${var.bucket_arn}/pages/*/original/*"]
  }
  statement {
    sid = "WriteVariants"
    # GetObject: a project that becomes a client gallery has its variants copied to private/.
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arn}/projects/*/variants/*", "${var.bucket_arn}/pages/*/variants/*"]
  }
  statement {
    # Client galleries' variants (written, moved back) and plugins' background files (a gallery's ZIP).
    sid       = "PrivateFiles"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${var.bucket_arn}/private/*"]
  }
  statement {
    sid       = "DiscardReplacedPagePhotos"
    actions   = ["s3:DeleteObject"]
    resources = ["${var.bucket_arn}/pages/*/original/*"]
  }
  statement {
    sid       = "EncryptedData"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "PurgeTheCdn"
    actions   = ["cloudfront:CreateInvalidation"]
    resources = [var.cloudfront_distribution_arn]
  }
  # Plugins send their e-mails as background work (send_mail_later, periodic reminders): here.
  dynamic "statement" {
    for_each = length(var.ses_identity_arns) > 0 ? [1] : []
    content {
      sid       = "SendSiteMail"
      actions   = ["ses:SendRawEmail"]
      resources = var.ses_identity_arns
    }
  }
}

# beat: the sweeper runs on the worker; beat itself only puts messages on Redis, but it builds the
# same app (store clients) and may read a photo's status.
data "aws_iam_policy_document" "beat" {
  statement {
    sid       = "ReadContent"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = local.table_and_index_arns
  }
  statement {
    sid       = "EncryptedData"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

locals {
  task_policies = {
    web    = data.aws_iam_policy_document.web.json
    worker = data.aws_iam_policy_document.worker.json
    beat   = data.aws_iam_policy_document.beat.json
  }
}

resource "aws_iam_role" "task" {
  for_each           = local.task_processes
  name               = "${local.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "task" {
  for_each = local.task_processes
  name     = "${each.key}-permissions"
  role     = aws_iam_role.task[each.key].id
  policy   = local.task_policies[each.key]
}

# One task running every process holds the three processes' permissions, each kept as its own policy.
resource "aws_iam_role" "app" {
  count              = local.single ? 1 : 0
  name               = "${local.name}-app"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "app" {
  for_each = local.single ? local.task_policies : {}
  name     = "${each.key}-permissions"
  role     = aws_iam_role.app[0].id
  policy   = each.value
}

# -- ECS -----------------------------------------------------------------------------------------
resource "aws_ecs_cluster" "main" {
  #checkov:skip=CKV_AWS_65:Follows var.container_insights: dev and prod keep it (tests/infra checks); solo saves its per-metric bill and alarms on ECS's free metrics
  name = local.name
  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }
  tags = var.tags
  lifecycle {
    precondition {
      condition     = !local.sidecar_redis || local.single
      error_message = "redis = \"sidecar\" needs single_task: the web, worker and beat processes must share the task whose Valkey they use."
    }
    precondition {
      condition     = local.alb || var.discovery_service_arn != null
      error_message = "front_door = \"api_gateway\" needs discovery_service_arn and front_door_security_group_id (modules/api-gateway)."
    }
  }
}

locals {
  task_subnets = var.public_task_ips ? var.public_subnet_ids : var.private_subnet_ids
}

resource "aws_ecs_task_definition" "process" {
  for_each                 = local.task_processes
  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
  volume {
    name = "tmp"
  }
  volume {
    name = "instance"
  }
  dynamic "volume" {
    for_each = local.sidecar_redis ? ["valkey"] : []
    content {
      name = volume.value
    }
  }
  container_definitions = jsonencode(concat([local.containers[each.key]], local.sidecars))
  tags                  = var.tags
}

# Web, worker and beat (and Valkey) in one task of var.single_task's size.
resource "aws_ecs_task_definition" "app" {
  count                    = local.single ? 1 : 0
  family                   = "${local.name}-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.single_task.cpu
  memory                   = var.single_task.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.app[0].arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
  volume {
    name = "tmp"
  }
  volume {
    name = "instance"
  }
  dynamic "volume" {
    for_each = local.sidecar_redis ? ["valkey"] : []
    content {
      name = volume.value
    }
  }
  container_definitions = jsonencode(concat([for name in ["web", "worker", "beat"] : local.containers[name]], local.sidecars))
  tags                  = var.tags
}

resource "aws_ecs_service" "web" {
  count                             = local.single ? 0 : 1
  name                              = "web"
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.process["web"].arn
  desired_count                     = var.web_min_count
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = local.alb ? 30 : null
  propagate_tags                    = "SERVICE"
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = local.task_subnets
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = var.public_task_ips
  }
  dynamic "load_balancer" {
    for_each = local.alb ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.web[0].arn
      container_name   = "web"
      container_port   = 8000
    }
  }
  dynamic "service_registries" {
    for_each = local.alb ? [] : [1]
    content {
      registry_arn   = var.discovery_service_arn
      container_name = "web"
      container_port = 8000
    }
  }
  lifecycle {
    ignore_changes = [desired_count] # autoscaling owns it
  }
  depends_on = [aws_lb_listener_rule.from_cloudfront]
  tags       = var.tags
}

resource "aws_ecs_service" "worker" {
  count           = local.single ? 0 : 1
  name            = "worker"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.process["worker"].arn
  desired_count   = var.worker_min_count
  launch_type     = "FARGATE"
  propagate_tags  = "SERVICE"
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = local.task_subnets
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = var.public_task_ips
  }
  lifecycle {
    ignore_changes = [desired_count]
  }
  tags = var.tags
}

# Exactly one beat, ever: a deploy stops the old one before starting the new one.
resource "aws_ecs_service" "beat" {
  count                              = local.single ? 0 : 1
  name                               = "beat"
  cluster                            = aws_ecs_cluster.main.id
  task_definition                    = aws_ecs_task_definition.process["beat"].arn
  desired_count                      = 1
  launch_type                        = "FARGATE"
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100
  propagate_tags                     = "SERVICE"
  network_configuration {
    subnets          = local.task_subnets
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = var.public_task_ips
  }
  tags = var.tags
}

# One task, always one: no autoscaling (its Valkey is the page cache and the queue of this task
# alone). A deploy starts the new task before stopping the old one, so the site stays up; for that
# minute two beats run, which the schedule (version-checked saves) and the sweeper tolerate.
resource "aws_ecs_service" "app" {
  #checkov:skip=CKV_AWS_333:Public address for egress without a NAT gateway (solo); its security group admits only the front door, tests/infra checks
  count                              = local.single ? 1 : 0
  name                               = "app"
  cluster                            = aws_ecs_cluster.main.id
  task_definition                    = aws_ecs_task_definition.app[0].arn
  desired_count                      = 1
  launch_type                        = "FARGATE"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = local.alb ? 30 : null
  propagate_tags                     = "SERVICE"
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = local.task_subnets
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = var.public_task_ips
  }
  dynamic "load_balancer" {
    for_each = local.alb ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.web[0].arn
      container_name   = "web"
      container_port   = 8000
    }
  }
  dynamic "service_registries" {
    for_each = local.alb ? [] : [1]
    content {
      registry_arn   = var.discovery_service_arn
      container_name = "web"
      container_port = 8000
    }
  }
  depends_on = [aws_lb_listener_rule.from_cloudfront]
  tags       = var.tags
}

# -- autoscaling ---------------------------------------------------------------------------------
locals {
  scaled = local.single ? {} : {
    web    = { service = aws_ecs_service.web[0].name, min = var.web_min_count, max = var.web_max_count }
    worker = { service = aws_ecs_service.worker[0].name, min = var.worker_min_count, max = var.worker_max_count }
  }
}

resource "aws_appautoscaling_target" "service" {
  for_each           = local.scaled
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${each.value.service}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.min
  max_capacity       = each.value.max
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each           = local.scaled
  name               = "${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.service[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.service[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.service[each.key].scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# -- addresses before the solo environment made the load balancer and the three services optional ---
moved {
  from = aws_security_group.alb
  to   = aws_security_group.alb[0]
}

moved {
  from = aws_vpc_security_group_ingress_rule.alb_https
  to   = aws_vpc_security_group_ingress_rule.alb_https[0]
}

moved {
  from = aws_vpc_security_group_egress_rule.alb_to_app
  to   = aws_vpc_security_group_egress_rule.alb_to_app[0]
}

moved {
  from = aws_vpc_security_group_ingress_rule.app_from_alb
  to   = aws_vpc_security_group_ingress_rule.app_from_front_door
}

moved {
  from = aws_vpc_security_group_egress_rule.app_redis
  to   = aws_vpc_security_group_egress_rule.app_redis[0]
}

moved {
  from = aws_lb.app
  to   = aws_lb.app[0]
}

moved {
  from = aws_lb_target_group.web
  to   = aws_lb_target_group.web[0]
}

moved {
  from = aws_lb_listener.https
  to   = aws_lb_listener.https[0]
}

moved {
  from = aws_lb_listener_rule.from_cloudfront
  to   = aws_lb_listener_rule.from_cloudfront[0]
}

moved {
  from = aws_ecs_service.web
  to   = aws_ecs_service.web[0]
}

moved {
  from = aws_ecs_service.worker
  to   = aws_ecs_service.worker[0]
}

moved {
  from = aws_ecs_service.beat
  to   = aws_ecs_service.beat[0]
}
