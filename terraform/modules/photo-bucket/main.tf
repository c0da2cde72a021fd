# The photo bucket: originals stay private, variants (project and page photos) are read by CloudFront only
# (origin access control). Browsers upload straight to it with presigned POSTs from the site's
# origins; every new original is announced (EventBridge, then SNS) to /api/media/s3-events.

resource "aws_s3_bucket" "photos" {
  #checkov:skip=CKV_AWS_144:Versioning keeps every replaced original; a second region is a cost choice (docs/deployment.md)
  bucket = var.bucket_name
  tags   = var.tags
}

resource "aws_s3_bucket_ownership_controls" "photos" {
  bucket = aws_s3_bucket.photos.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "photos" {
  bucket                  = aws_s3_bucket.photos.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "photos" {
  bucket = aws_s3_bucket.photos.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id

  rule {
    id     = "noncurrent-versions-to-glacier"
    status = "Enabled"
    filter {}
    noncurrent_version_transition {
      noncurrent_days = 90
      storage_class   = "GLACIER"
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
  }

  # A client gallery's whole-gallery ZIPs are kept three days by the app (and removed by it when
  # the next one is built); this removes any it left, current and previous versions alike.
  rule {
    id     = "expire-gallery-downloads"
    status = "Enabled"
    filter {
      prefix = "private/plugins/proofing/zips/"
    }
    expiration {
      days = 4
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_cors_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id
  cors_rule {
    allowed_methods = ["POST"]
    allowed_origins = var.upload_origins
    allowed_headers = ["*"]
    expose_headers  = ["ETag", "Location"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_logging" "photos" {
  bucket        = aws_s3_bucket.photos.id
  target_bucket = var.log_bucket_id
  target_prefix = "s3/${var.bucket_name}/"
}

# CloudFront may read the public renditions, nothing else: originals (project and page photos,
# with their EXIF and GPS) are never served. The same two patterns as the CDN's media behaviours.
data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "CloudFrontReadsVariantsOnly"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.photos.arn}/projects/*/variants/*", "${aws_s3_bucket.photos.arn}/pages/*/variants/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [var.cloudfront_distribution_arn]
    }
  }
  statement {
    sid       = "HttpsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.photos.arn, "${aws_s3_bucket.photos.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "photos" {
  bucket     = aws_s3_bucket.photos.id
  policy     = data.aws_iam_policy_document.bucket.json
  depends_on = [aws_s3_bucket_public_access_block.photos]
}

# -- new originals -> EventBridge -> SNS -> the site's upload callback ----------------------------
# S3's own notification filters cannot match projects/*/original/ (no wildcard in the middle of a
# prefix), and every variant the workers write would call the site too. EventBridge matches the
# exact pattern and reshapes the event into the S3 notification format the endpoint reads.
resource "aws_s3_bucket_notification" "eventbridge" {
  bucket      = aws_s3_bucket.photos.id
  eventbridge = true
}

resource "aws_cloudwatch_event_rule" "new_original" {
  name        = "${var.bucket_name}-new-original"
  description = "A photo original arrived in ${var.bucket_name} (projects/*/original/*)."
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [aws_s3_bucket.photos.id] }
      object = { key = [{ wildcard = "projects/*/original/*" }] }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "uploads_topic" {
  rule = aws_cloudwatch_event_rule.new_original.name
  arn  = aws_sns_topic.uploads.arn
  input_transformer {
    input_paths = {
      bucket = "$.detail.bucket.name"
      key    = "$.detail.object.key"
      size   = "$.detail.object.size"
      reason = "$.detail.reason"
    }
    input_template = <<-JSON
      {"Records": [{"eventName": "ObjectCreated:<reason>", "s3": {"bucket": {"name": <bucket>}, "object": {"key": <key>, "size": <size>}}}]}
    JSON
  }
}

resource "aws_sns_topic" "uploads" {
  name              = "${var.bucket_name}-uploads"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "EventBridgePublishesNewOriginals"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.uploads.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.new_original.arn]
    }
  }
}

resource "aws_sns_topic_policy" "uploads" {
  arn    = aws_sns_topic.uploads.arn
  policy = data.aws_iam_policy_document.topic.json
}

# SNS confirms the subscription by calling the endpoint, which answers the confirmation itself.
resource "aws_sns_topic_subscription" "site" {
  topic_arn              = aws_sns_topic.uploads.arn
  protocol               = "https"
  endpoint               = var.s3_events_url
  endpoint_auto_confirms = true
  raw_message_delivery   = false
  delivery_policy = jsonencode({
    healthyRetryPolicy = { numRetries = 10, minDelayTarget = 5, maxDelayTarget = 300, backoffFunction = "exponential" }
  })
}
