output "alarm_topic_arn" {
  description = "Subscribe more endpoints (chat, paging) here."
  value       = aws_sns_topic.alarms.arn
}
