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
  description = "NAT gateways: 1 is cheaper (dev), 2 survives losing a zone (prod), 0 leaves the private subnets without a way out (solo: the containers run in the public subnets)."
  type        = number
  default     = 1
  validation {
    condition     = contains([0, 1, 2], var.nat_gateways)
    error_message = "nat_gateways is 0, 1 or 2."
  }
}

variable "exclude_zone_ids" {
  description = "Zone IDs the subnets must avoid, e.g. those an API Gateway VPC link cannot reach."
  type        = list(string)
  default     = []
}

variable "public_workloads" {
  description = "Containers run in the public subnets (with public addresses, no NAT): the gateway endpoints serve the public route table too."
  type        = bool
  default     = false
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
