variable "stage" {
  description = "Deployment stage (dev, prod)."
  type        = string
}

variable "region" {
  description = "AWS region, for the gateway endpoints' service names."
  type        = string
}

variable "cidr_block" {
  description = "Address range of the VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "nat_gateways" {
  description = "NAT gateways: 1 is cheaper (dev), 2 survives losing a zone (prod)."
  type        = number
  default     = 1
}

variable "kms_key_arn" {
  description = "Key encrypting the flow log group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
