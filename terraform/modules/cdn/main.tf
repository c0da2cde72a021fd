# One CloudFront distribution for the site: the app (through the load balancer, or API Gateway in
# the solo environment) is the default origin and decides caching with its own Cache-Control;
# photo variants (project and page photos) come straight from S3 through origin access control;
# /api/* and /admin* are never cached. Resources here live in us-east-1 (CloudFront's
# certificates and web ACLs must).

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.us_east_1]
    }
  }
}

data "aws_cloudfront_cache_policy" "disabled" {
  name = "Managed-CachingDisabled"
}
# The app's Cache-Control decides, and every query string is in the key: a category's next page is
# `/work/<slug>?after=<order>`, which the plain UseOriginCacheControlHeaders would answer with the
# first page.
data "aws_cloudfront_cache_policy" "origin_headers" {
  name = "UseOriginCacheControlHeaders-QueryStrings"
}
data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}
data "aws_cloudfront_origin_request_policy" "all_viewer" {
  name = "Managed-AllViewer"
}
# API Gateway finds its custom domain by the Host header, so it must get the origin's own name.
data "aws_cloudfront_origin_request_policy" "all_viewer_except_host" {
  name = "Managed-AllViewerExceptHostHeader"
}

locals {
  app_origin   = "app"
  media_origin = "photos"
  # Paths the app must always see fresh, with cookies, query strings and every method.
  uncached_paths = ["/api/*", "/admin*"]
  # Photo files in the bucket that the public may fetch: variants only. Originals (project and page
  # photos alike) keep their EXIF, GPS included, and are never exposed; the bucket policy grants
  # CloudFront the same two patterns (tests/infra checks no public grant covers an original).
  media_paths = ["/projects/*/variants/*", "/pages/*/variants/*"]
  app_request_policy = (var.forward_host_header ? data.aws_cloudfront_origin_request_policy.all_viewer.id
  : data.aws_cloudfront_origin_request_policy.all_viewer_except_host.id)
  app_cache_policy = (var.forward_host_header ? data.aws_cloudfront_cache_policy.origin_headers.id
  : aws_cloudfront_cache_policy.origin_headers_by_site_host[0].id)
  # Without the Host header forwarded, the site's host name travels in this header (set below at the
  # edge, whatever the visitor sent); the origin puts it back into Host.
  viewer_host_functions = var.forward_host_header ? [] : [aws_cloudfront_function.viewer_host[0].arn]
}

# UseOriginCacheControlHeaders-QueryStrings keys the cache on Host, and whatever is in the cache key
# goes to the origin: API Gateway would get the visitor's Host and answer 403. The same policy,
# keyed on X-Sgoodie-Host instead, and on every query string (a category's next page is ?after=).
resource "aws_cloudfront_cache_policy" "origin_headers_by_site_host" {
  count       = var.forward_host_header ? 0 : 1
  name        = "${var.name}-origin-cache-control"
  comment     = "The app's Cache-Control decides; keyed on the site's host without sending Host"
  min_ttl     = 0
  default_ttl = 0
  max_ttl     = 31536000
  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true
    headers_config {
      header_behavior = "whitelist"
      headers {
        items = ["x-sgoodie-host", "origin", "x-http-method-override", "x-http-method", "x-method-override"]
      }
    }
    cookies_config {
      cookie_behavior = "all" # a signed-in admin is recognised (and never cached)
    }
    query_strings_config {
      query_string_behavior = "all"
    }
  }
}

resource "aws_cloudfront_function" "viewer_host" {
  count   = var.forward_host_header ? 0 : 1
  name    = "${var.name}-viewer-host"
  runtime = "cloudfront-js-2.0"
  comment = "Copies the site's host name into X-Sgoodie-Host for the origin"
  publish = true
  code    = file("${path.module}/viewer-host.js")
}

resource "aws_cloudfront_origin_access_control" "photos" {
  name                              = "${var.name}-photos"
  description                       = "CloudFront reads photo variants from S3"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# Security headers on every response. The app sets its own (with its Content-Security-Policy);
# override = false keeps those, and photo files from S3 get these.
resource "aws_cloudfront_response_headers_policy" "security" {
  #checkov:skip=CKV_AWS_259:HSTS is a year with subdomains; "preload" is a one-way commitment the domain's owner makes at hstspreload.org, not ours to make
  name    = "${var.name}-security"
  comment = "HSTS and safe defaults; the app's own headers win"
  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = false
      override                   = true # every response over this distribution is HTTPS-only
    }
    content_type_options {
      override = false
    }
    frame_options {
      frame_option = "SAMEORIGIN"
      override     = false
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = false
    }
  }
}

resource "aws_cloudfront_distribution" "site" {
  #checkov:skip=CKV_AWS_310:A failover origin would need the app in a second region; photos are served from S3 even when the app is down
  #checkov:skip=CKV2_AWS_47:The web ACL below includes AWSManagedRulesKnownBadInputsRuleSet, which carries the Log4j rules; solo has no web ACL (var.waf, docs/cost.md)
  #checkov:skip=CKV_AWS_68:The web ACL follows var.waf: dev and prod attach it (tests/infra checks), solo leaves it off for cost (docs/cost.md)
  #checkov:skip=CKV_AWS_374:A portfolio is for visitors from everywhere; there is nothing to geo-restrict
  #checkov:skip=CKV_AWS_305:"/" is the app's home page (default behaviour), not an object; a root object would shadow it
  enabled             = true
  is_ipv6_enabled     = true
  comment             = "sgoodie ${var.name}"
  aliases             = var.aliases
  price_class         = var.price_class
  http_version        = "http2and3"
  web_acl_id          = var.waf ? aws_wafv2_web_acl.site[0].arn : null
  default_root_object = ""

  origin {
    origin_id   = local.app_origin
    domain_name = var.origin_domain_name
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
      origin_read_timeout    = 30
    }
    custom_header {
      name  = "X-Origin-Verify"
      value = var.origin_verify_secret
    }
  }

  origin {
    origin_id                = local.media_origin
    domain_name              = var.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.photos.id
  }

  # Public pages: the app says how long (short max-age, longer s-maxage, stale-while-revalidate)
  # and purges by invalidation; cookies pass so a signed-in admin is recognised (and never cached).
  default_cache_behavior {
    target_origin_id           = local.app_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.app_cache_policy
    origin_request_policy_id   = local.app_request_policy
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    dynamic "function_association" {
      for_each = local.viewer_host_functions
      content {
        event_type   = "viewer-request"
        function_arn = function_association.value
      }
    }
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.uncached_paths
    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = local.app_origin
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = data.aws_cloudfront_cache_policy.disabled.id
      origin_request_policy_id   = local.app_request_policy
      response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
      dynamic "function_association" {
        for_each = local.viewer_host_functions
        content {
          event_type   = "viewer-request"
          function_arn = function_association.value
        }
      }
    }
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.media_paths
    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = local.media_origin
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = false # AVIF, WebP and JPEG are compressed already
      cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
      response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none" # a portfolio is for the whole world
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  logging_config {
    bucket          = var.log_bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  tags = var.tags
}

# -- web application firewall (var.waf) ------------------------------------------------------------
resource "aws_wafv2_web_acl" "site" {
  count       = var.waf ? 1 : 0
  provider    = aws.us_east_1
  name        = var.name
  description = "sgoodie ${var.name}: AWS managed protections and a sign-in rate limit"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  rule {
    name     = "common"
    priority = 1
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
        # Photo uploads go to S3, but page-image uploads and long page texts reach the app.
        rule_action_override {
          name = "SizeRestrictions_BODY"
          action_to_use {
            count {}
          }
        }
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "known-bad-inputs"
    priority = 2
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "sign-in-rate-limit"
    priority = 3
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit              = 100 # per 5 minutes per address; the app also slows and locks out
        aggregate_key_type = "IP"
        scope_down_statement {
          byte_match_statement {
            search_string         = "/admin/login"
            positional_constraint = "STARTS_WITH"
            field_to_match {
              uri_path {}
            }
            text_transformation {
              priority = 0
              type     = "LOWERCASE"
            }
          }
        }
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-sign-in-rate"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
  tags = var.tags
}

resource "aws_cloudwatch_log_group" "waf" {
  count             = var.waf ? 1 : 0
  provider          = aws.us_east_1
  name              = "aws-waf-logs-${var.name}" # WAF requires this prefix
  retention_in_days = 365
  kms_key_id        = var.waf_log_kms_key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "site" {
  count                   = var.waf ? 1 : 0
  provider                = aws.us_east_1
  resource_arn            = aws_wafv2_web_acl.site[0].arn
  log_destination_configs = [aws_cloudwatch_log_group.waf[0].arn]
  redacted_fields {
    single_header {
      name = "cookie"
    }
  }
}

# The firewall became optional (count) with the solo environment.
moved {
  from = aws_wafv2_web_acl.site
  to   = aws_wafv2_web_acl.site[0]
}

moved {
  from = aws_cloudwatch_log_group.waf
  to   = aws_cloudwatch_log_group.waf[0]
}

moved {
  from = aws_wafv2_web_acl_logging_configuration.site
  to   = aws_wafv2_web_acl_logging_configuration.site[0]
}
