variable "stage" {
  description = "Deployment stage (dev, prod)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
