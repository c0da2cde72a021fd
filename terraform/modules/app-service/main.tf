# The app on ECS Fargate: one image, three services (gunicorn web, Celery worker, Celery beat),
# behind an Application Load Balancer that only CloudFront can reach. Each service has its own
# least-privilege task role; configuration comes from environment variables (sgoodie/config.py)
# and secrets from Secrets Manager.

data "aws_region" "current" {}
data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

locals {
  name = "sgoodie-${var.stage}"
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
    SGOODIE_PROXY_HOPS         = "2"                   # CloudFront, then the load balancer
    SGOODIE_TRUSTED_PROXIES    = "*"                   # private subnets: only the load balancer reaches the containers
    SGOODIE_LOG_FORMAT         = "json"
    SGOODIE_PLUGINS            = var.plugins
    SGOODIE_MAX_UPLOAD_MB      = tostring(var.max_upload_mb)
  }, var.extra_environment)
  secrets = merge({
    SECRET_KEY = var.secret_key_arn
    REDIS_URL  = var.redis_url_secret_arn
  }, var.sentry_dsn_secret_arn == "" ? {} : { SENTRY_DSN = var.sentry_dsn_secret_arn })
  processes = {
    web    = { command = ["gunicorn", "-c", "gunicorn.conf.py", "sgoodie:create_app()"], cpu = var.web_cpu, memory = var.web_memory }
    worker = { command = ["celery", "-A", "celery_worker", "worker", "--loglevel=info", "--concurrency=2"], cpu = var.worker_cpu, memory = var.worker_memory }
    beat   = { command = ["celery", "-A", "celery_worker", "beat", "--loglevel=info", "--schedule", "/app/instance/celerybeat-schedule"], cpu = 256, memory = 512 }
  }
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
  name        = "${local.name}-alb"
  description = "Load balancer: HTTPS from CloudFront only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from CloudFront's origin-facing addresses"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "alb_to_app" {
  security_group_id            = aws_security_group.alb.id
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

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  description                  = "gunicorn from the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
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
  security_group_id = aws_security_group.app.id
  description       = "Redis inside the VPC"
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
}

# -- load balancer -------------------------------------------------------------------------------
resource "aws_lb" "app" {
  #checkov:skip=CKV2_AWS_28:Only CloudFront reaches it (prefix-list security group and a secret header), and CloudFront has the web ACL
  name                       = local.name
  load_balancer_type         = "application"
  internal                   = false # CloudFront needs a public origin; the security group admits only CloudFront
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
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
  load_balancer_arn = aws_lb.app.arn
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
  listener_arn = aws_lb_listener.https.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
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
  for_each          = local.processes
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
  # The contact plugin's notification e-mails (SGOODIE_CONTACT_NOTIFY=ses), from verified identities only.
  dynamic "statement" {
    for_each = length(var.ses_identity_arns) > 0 ? [1] : []
    content {
      sid       = "SendInquiryNotifications"
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
  for_each           = local.processes
  name               = "${local.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "task" {
  for_each = local.processes
  name     = "${each.key}-permissions"
  role     = aws_iam_role.task[each.key].id
  policy   = local.task_policies[each.key]
}

# -- ECS -----------------------------------------------------------------------------------------
resource "aws_ecs_cluster" "main" {
  name = local.name
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  tags = var.tags
}

resource "aws_ecs_task_definition" "process" {
  for_each                 = local.processes
  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  volume {
    name = "tmp"
  }
  volume {
    name = "instance"
  }
  container_definitions = jsonencode([{
    name                   = each.key
    image                  = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
    command                = each.value.command
    essential              = true
    readonlyRootFilesystem = true
    user                   = "10001"
    portMappings           = each.key == "web" ? [{ containerPort = 8000, protocol = "tcp" }] : []
    environment            = [for name in sort(keys(local.environment)) : { name = name, value = local.environment[name] }]
    secrets                = [for name in sort(keys(local.secrets)) : { name = name, valueFrom = local.secrets[name] }]
    mountPoints = [
      { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
      { sourceVolume = "instance", containerPath = "/app/instance", readOnly = false },
    ]
    healthCheck = each.key == "web" ? {
      command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 20
    } : null
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.process[each.key].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = each.key
      }
    }
  }])
  tags = var.tags
}

resource "aws_ecs_service" "web" {
  name                              = "web"
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.process["web"].arn
  desired_count                     = var.web_min_count
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = 30
  propagate_tags                    = "SERVICE"
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }
  lifecycle {
    ignore_changes = [desired_count] # autoscaling owns it
  }
  depends_on = [aws_lb_listener_rule.from_cloudfront]
  tags       = var.tags
}

resource "aws_ecs_service" "worker" {
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
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }
  lifecycle {
    ignore_changes = [desired_count]
  }
  tags = var.tags
}

# Exactly one beat, ever: a deploy stops the old one before starting the new one.
resource "aws_ecs_service" "beat" {
  name                               = "beat"
  cluster                            = aws_ecs_cluster.main.id
  task_definition                    = aws_ecs_task_definition.process["beat"].arn
  desired_count                      = 1
  launch_type                        = "FARGATE"
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100
  propagate_tags                     = "SERVICE"
  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }
  tags = var.tags
}

# -- autoscaling ---------------------------------------------------------------------------------
locals {
  scaled = {
    web    = { service = aws_ecs_service.web.name, min = var.web_min_count, max = var.web_max_count }
    worker = { service = aws_ecs_service.worker.name, min = var.worker_min_count, max = var.worker_max_count }
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
