# The content tables, exactly as sgoodie/stores/dynamodb_schema.py defines them (tests/infra
# compares the two): on-demand billing, point-in-time recovery, encryption with a customer key,
# every index projecting all attributes.

locals {
  name = "${var.prefix}-%s-${var.stage}"
}

resource "aws_dynamodb_table" "projects" {
  name                        = format(local.name, "projects")
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "project_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "project_id"
    type = "S"
  }
  attribute {
    name = "category"
    type = "S"
  }
  attribute {
    name = "order"
    type = "N"
  }
  attribute {
    name = "slug"
    type = "S"
  }
  attribute {
    name = "listed_category"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi_category_order"
    hash_key        = "category"
    range_key       = "order"
    projection_type = "ALL"
  }
  global_secondary_index {
    name            = "gsi_slug"
    hash_key        = "slug"
    projection_type = "ALL"
  }
  global_secondary_index {
    name            = "gsi_category_published"
    hash_key        = "listed_category"
    range_key       = "order"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
  tags = var.tags
}

resource "aws_dynamodb_table" "photos" {
  name                        = format(local.name, "photos")
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "project_id"
  range_key                   = "order#photo_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "project_id"
    type = "S"
  }
  attribute {
    name = "order#photo_id"
    type = "S"
  }
  attribute {
    name = "photo_id"
    type = "S"
  }
  attribute {
    name = "status"
    type = "S"
  }
  attribute {
    name = "updated_at"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi_photo_id"
    hash_key        = "photo_id"
    projection_type = "ALL"
  }
  global_secondary_index {
    name            = "gsi_status"
    hash_key        = "status"
    range_key       = "updated_at"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
  tags = var.tags
}

resource "aws_dynamodb_table" "pages" {
  name                        = format(local.name, "pages")
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "page_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "page_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
  tags = var.tags
}

resource "aws_dynamodb_table" "admins" {
  name                        = format(local.name, "admins")
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "user_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "user_id"
    type = "S"
  }
  attribute {
    name = "email"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi_email"
    hash_key        = "email"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
  tags = var.tags
}

resource "aws_dynamodb_table" "records" {
  name                        = format(local.name, "records")
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "collection"
  range_key                   = "record_key"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "collection"
    type = "S"
  }
  attribute {
    name = "record_key"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
  tags = var.tags
}
