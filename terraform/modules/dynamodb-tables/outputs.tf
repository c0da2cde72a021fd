output "table_arns" {
  description = "ARN of each table by logical name (projects, photos, pages, admins, records)."
  value = {
    projects = aws_dynamodb_table.projects.arn
    photos   = aws_dynamodb_table.photos.arn
    pages    = aws_dynamodb_table.pages.arn
    admins   = aws_dynamodb_table.admins.arn
    records  = aws_dynamodb_table.records.arn
  }
}

output "table_names" {
  description = "Physical name of each table by logical name."
  value = {
    projects = aws_dynamodb_table.projects.name
    photos   = aws_dynamodb_table.photos.name
    pages    = aws_dynamodb_table.pages.name
    admins   = aws_dynamodb_table.admins.name
    records  = aws_dynamodb_table.records.name
  }
}
