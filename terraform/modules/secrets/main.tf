# One customer-managed KMS key for the environment's data (tables, photos, logs, topics, secrets)
# and the secrets the services read at start: the Flask SECRET_KEY and, with ElastiCache, the
# Redis URL with its auth token (a Valkey beside the app in its own task needs neither). Values
# are generated here and never appear in task definitions or state outputs.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:A key policy's resource is always "*" (this key); use is granted per role in IAM
  #checkov:skip=CKV_AWS_356:A key policy's resource is always "*" (this key)
  #checkov:skip=CKV_AWS_109:The account root must administer its key, or the key becomes unmanageable
  statement {
    sid = "AccountAdministersAndDelegatesTheKey" # IAM policies then grant use per role
    actions = [
      "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
      "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
      "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
      "kms:GenerateDataKey*", "kms:CreateGrant",
    ]
    resources = ["*"] # in a key policy, "*" means this key
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  statement {
    sid       = "CloudWatchLogsEncrypts"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }
  }
  statement {
    sid       = "ServicesPublishToEncryptedTopics"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
  statement {
    sid       = "CloudFrontReadsEncryptedPhotos"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "sgoodie ${var.stage}: tables, photos, logs, topics and secrets"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "data" {
  name          = "alias/sgoodie-${var.stage}"
  target_key_id = aws_kms_key.data.key_id
}

resource "random_password" "secret_key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "secret_key" {
  #checkov:skip=CKV2_AWS_57:Rotating SECRET_KEY signs everyone out; it is rotated by hand (docs/deployment.md)
  name        = "sgoodie/${var.stage}/SECRET_KEY"
  description = "Flask SECRET_KEY: signs sessions, CSRF tokens and upload links. Rotate: docs/deployment.md."
  kms_key_id  = aws_kms_key.data.arn
  tags        = var.tags
}

resource "aws_secretsmanager_secret_version" "secret_key" {
  secret_id     = aws_secretsmanager_secret.secret_key.id
  secret_string = random_password.secret_key.result
  lifecycle {
    ignore_changes = [secret_string] # rotated by operators; Terraform only seeds it
  }
}

resource "random_password" "redis_auth" {
  count   = var.redis_url_secret ? 1 : 0
  length  = 48
  special = false # ElastiCache auth tokens allow few symbols; letters and digits are enough
}

resource "aws_secretsmanager_secret" "redis_url" {
  count = var.redis_url_secret ? 1 : 0
  #checkov:skip=CKV2_AWS_57:Its value follows the ElastiCache auth token, rotated with Redis (docs/deployment.md)
  name        = "sgoodie/${var.stage}/REDIS_URL"
  description = "rediss:// URL (with auth token) of the page cache and Celery broker."
  kms_key_id  = aws_kms_key.data.arn
  tags        = var.tags
}

# Both became optional (count) when the solo environment dropped ElastiCache.
moved {
  from = random_password.redis_auth
  to   = random_password.redis_auth[0]
}

moved {
  from = aws_secretsmanager_secret.redis_url
  to   = aws_secretsmanager_secret.redis_url[0]
}
