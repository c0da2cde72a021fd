"""What each environment costs a month, computed from its Terraform and terraform/prices.json.

Each environment's root module (terraform/environments/<env>, with its terraform.tfvars.example)
is evaluated down through every module (hcl_eval.py): the NAT gateways, load balancers, Fargate
tasks (vCPU, memory, architecture, Spot, public address), cache nodes, keys, secrets, web ACL
rules, alarms, metrics, hosted zones and public IPv4 addresses it would create are counted and
priced. Nothing here restates an answer: change a size in main.tf and the figure moves.

A resource type that is neither priced below nor listed in NO_FIXED_CHARGE is an error, so a change
that adds an hourly resource cannot slip past the budget test (tests/infra/test_cost.py).

    python tests/infra/costing.py           # the three estimates
    python tests/infra/costing.py --write   # rewrite docs/cost.md's generated tables (scripts/cost)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

if __package__:
    from .hcl_eval import UNKNOWN, EvalError, Module, Resource, environment_module, expression_of
else:  # run as a script
    from hcl_eval import UNKNOWN, EvalError, Module, Resource, environment_module, expression_of  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
PRICES = TERRAFORM / "prices.json"
DOC = ROOT / "docs" / "cost.md"
ENVIRONMENTS = ("solo", "dev", "prod")  # the docs' order; tests/infra checks it names them all
BUDGET = {"solo": {"fixed": 25.0, "at_load": 32.0}}

#: Resource types with no charge of their own while idle (what they cost comes with use, priced in
#: usage(), or through another resource). Anything else must be priced in fixed_lines().
NO_FIXED_CHARGE = {
    "aws_apigatewayv2_api": "per request (usage)",
    "aws_apigatewayv2_api_mapping": "free",
    "aws_apigatewayv2_authorizer": "its Lambda is priced per use",
    "aws_apigatewayv2_domain_name": "free (the ACM certificate is free)",
    "aws_apigatewayv2_integration": "free",
    "aws_apigatewayv2_route": "free",
    "aws_apigatewayv2_stage": "free; its access log is usage",
    "aws_appautoscaling_policy": "free",
    "aws_appautoscaling_target": "free",
    "aws_cloudfront_cache_policy": "free",
    "aws_cloudfront_distribution": "per GB and request (usage)",
    "aws_cloudfront_function": "per invocation (usage)",
    "aws_cloudfront_origin_access_control": "free",
    "aws_cloudfront_response_headers_policy": "free",
    "aws_cloudwatch_event_rule": "AWS service events are free",
    "aws_cloudwatch_event_target": "free",
    "aws_cloudwatch_log_group": "per GB ingested and stored (usage)",
    "aws_default_security_group": "free",
    "aws_dynamodb_table": "on demand: per request and GB (usage)",
    "aws_ecr_lifecycle_policy": "free",
    "aws_ecr_repository": "per GB stored (usage)",
    "aws_ecs_task_definition": "priced through the services that run it",
    "aws_elasticache_subnet_group": "free",
    "aws_flow_log": "its log group is usage",
    "aws_iam_role": "free",
    "aws_iam_role_policy": "free",
    "aws_internet_gateway": "free (data out is charged where it leaves)",
    "aws_kms_alias": "free",
    "aws_lambda_function": "per request and GB-second (usage)",
    "aws_lambda_permission": "free",
    "aws_lb_listener": "part of the load balancer",
    "aws_lb_listener_rule": "part of the load balancer",
    "aws_lb_target_group": "part of the load balancer",
    "aws_route53_record": "alias records to AWS resources: queries are free",
    "aws_route_table": "free",
    "aws_route_table_association": "free",
    "aws_s3_bucket": "per GB and request (usage)",
    "aws_s3_bucket_cors_configuration": "free",
    "aws_s3_bucket_lifecycle_configuration": "free",
    "aws_s3_bucket_logging": "the log files are stored in S3 (usage)",
    "aws_s3_bucket_notification": "free",
    "aws_s3_bucket_ownership_controls": "free",
    "aws_s3_bucket_policy": "free",
    "aws_s3_bucket_public_access_block": "free",
    "aws_s3_bucket_server_side_encryption_configuration": "free",
    "aws_s3_bucket_versioning": "old versions are stored in S3 (usage)",
    "aws_secretsmanager_secret_version": "part of its secret",
    "aws_security_group": "free",
    "aws_service_discovery_service": "its instances are priced with the ECS service that registers them",
    "aws_sns_topic": "per message (usage)",
    "aws_sns_topic_policy": "free",
    "aws_sns_topic_subscription": "per delivery (usage)",
    "aws_subnet": "free",
    "aws_vpc": "free",
    "aws_vpc_security_group_egress_rule": "free",
    "aws_vpc_security_group_ingress_rule": "free",
    "aws_wafv2_web_acl_logging_configuration": "its log group is usage",
    "random_password": "not AWS",
}


def prices() -> dict[str, Any]:
    return json.loads(PRICES.read_text())


@dataclass(frozen=True)
class Line:
    """One billable thing: what, at which unit price, how much, and the month's charge."""

    group: str
    item: str
    price: str  # key in prices.json
    quantity: float  # in the price's unit, per month
    monthly: float
    note: str = ""


# -- the environment, evaluated --------------------------------------------------------------------
def root_module(environment: str, terraform: Path = TERRAFORM) -> Module:
    return environment_module(terraform, environment)


def modules(root: Module) -> Iterator[Module]:
    yield root
    for child in root.children():
        yield from modules(child)


def resources(root: Module) -> Iterator[Resource]:
    for module in modules(root):
        for kind, type_ in module.blocks:
            if kind == "resource":
                yield from module.instances("resource", type_)


def _number(value: Any, what: str) -> float:
    if value is UNKNOWN or value is None:
        raise EvalError(f"{what} is not known from the configuration")
    return float(value)


def _referenced(resource: Resource, argument: str) -> Resource:
    """The resource an argument such as `task_definition = aws_x.y["k"].arn` points at."""
    node = expression_of(resource.body[argument])
    if node[0] == "attr":  # drop the final .arn/.id
        node = node[1]
    target = resource.module.eval(node, resource.scope())
    if not isinstance(target, Resource):
        raise EvalError(f"{resource.address}: {argument} does not name a resource")
    return target


# -- fixed monthly charges -------------------------------------------------------------------------
def fixed_lines(root: Module, table: dict[str, Any]) -> list[Line]:
    p = table["prices"]
    hours = table["hours_per_month"]
    lines: list[Line] = []

    def add(
        group: str, item: str, key: str, quantity: float, unit_price: float | None = None, note: str = ""
    ) -> None:
        price = p[key]["usd"] if unit_price is None else unit_price
        lines.append(Line(group, item, key, quantity, quantity * price, note))

    all_resources = list(resources(root))
    types = {r.type for r in all_resources}
    unpriced = sorted(types - set(NO_FIXED_CHARGE) - set(PRICERS))
    if unpriced:
        raise EvalError(
            f"price these resource types in tests/infra/costing.py (or list them as free): {unpriced}"
        )

    services = [r for r in all_resources if r.type == "aws_ecs_service"]
    zones = set()
    for r in all_resources:
        pricer = PRICERS.get(r.type)
        if pricer is not None:
            pricer(r, add, hours, table, services)
        if r.type == "aws_route53_record":
            zones.add(r.attr("zone_id"))
    # The site's own zone exists before Terraform (hosted_zone_id) but is part of running the site.
    for zone in sorted(z for z in zones if z is not UNKNOWN):
        add("DNS", f"Route 53 hosted zone of the site ({zone})", "route53_zone_month", 1)
    return lines


def _nat(r: Resource, add, hours, table, services) -> None:
    add("Network", "NAT gateway", "nat_gateway_hour", hours)


def _eip(r: Resource, add, hours, table, services) -> None:
    add("Network", "Elastic IP (public IPv4, a NAT gateway's)", "public_ipv4_hour", hours)


def _vpc_endpoint(r: Resource, add, hours, table, services) -> None:
    if r.attr("vpc_endpoint_type") == "Interface":
        zones = len(_number_list(r.attr("subnet_ids"), f"{r.address} subnet_ids"))
        add(
            "Network",
            f"interface endpoint {r.each['key'] if r.each else r.name} ({zones} zones)",
            "vpc_interface_endpoint_hour",
            hours * zones,
        )


def _number_list(value: Any, what: str) -> list:
    if value is UNKNOWN or not isinstance(value, list):
        raise EvalError(f"{what} is not a known list")
    return value


def _load_balancer(r: Resource, add, hours, table, services) -> None:
    kind = r.attr("load_balancer_type") or "application"
    if kind != "application":
        raise EvalError(f"{r.address}: price {kind} load balancers in tests/infra/costing.py")
    add("Front door", "Application Load Balancer", "alb_hour", hours)
    if not r.attr("internal"):
        zones = len(_number_list(r.attr("subnets"), f"{r.address} subnets"))
        add("Network", f"public IPv4 of the load balancer ({zones} zones)", "public_ipv4_hour", hours * zones)


def _ecs_service(r: Resource, add, hours, table, services) -> None:
    p = table["prices"]
    task = _referenced(r, "task_definition")
    count = _number(r.attr("desired_count"), f"{r.address} desired_count")
    vcpu = _number(task.attr("cpu"), f"{task.address} cpu") / 1024
    memory_gb = _number(task.attr("memory"), f"{task.address} memory") / 1024
    platform = task.blocks("runtime_platform")
    arch = platform[0].attr("cpu_architecture", "X86_64") if platform else "X86_64"
    strategy = r.blocks("capacity_provider_strategy")
    spot = sum(
        _number(b.attr("weight", 0), "weight")
        for b in strategy
        if b.attr("capacity_provider") == "FARGATE_SPOT"
    )
    weight = sum(_number(b.attr("weight", 0), "weight") for b in strategy)
    spot_share = spot / weight if weight else 0.0
    if r.attr("launch_type") not in (None, "FARGATE") and not strategy:
        raise EvalError(f"{r.address}: price launch type {r.attr('launch_type')} in tests/infra/costing.py")
    if spot_share and arch == "ARM64":
        raise EvalError(f"{r.address}: Fargate Spot runs only X86_64 tasks")
    family = "arm" if arch == "ARM64" else "x86"
    discount = 1 - spot_share * p["fargate_spot_discount"]["usd"]
    what = f"{r.attr('name')} ({arch}, {vcpu:g} vCPU, {memory_gb:g} GB{', Spot' if spot_share else ''}) x {count:g}"
    add(
        "Compute",
        f"Fargate {what}: vCPU",
        f"fargate_{family}_vcpu_hour",
        vcpu * hours * count,
        p[f"fargate_{family}_vcpu_hour"]["usd"] * discount,
    )
    add(
        "Compute",
        f"Fargate {what}: memory",
        f"fargate_{family}_gb_hour",
        memory_gb * hours * count,
        p[f"fargate_{family}_gb_hour"]["usd"] * discount,
    )
    network = r.blocks("network_configuration")
    if network and network[0].attr("assign_public_ip", False):
        add("Network", f"public IPv4 of the {r.attr('name')} task(s)", "public_ipv4_hour", hours * count)
    if r.blocks("service_registries"):
        add(
            "Front door",
            f"Cloud Map instance(s) of {r.attr('name')} (API Gateway finds the task)",
            "cloud_map_instance_month",
            count,
        )


def _ecs_cluster(r: Resource, add, hours, table, services) -> None:
    insights = [s for s in r.blocks("setting") if s.attr("name") == "containerInsights"]
    if not insights or insights[0].attr("value") not in ("enabled", "enhanced"):
        return
    metrics = table["container_insights_metrics"]
    mine = [s for s in services if s.module is r.module]
    families = {_referenced(s, "task_definition").address for s in mine}
    count = (
        metrics["per_cluster"]
        + metrics["per_service"] * len(mine)
        + metrics["per_task_family"] * len(families)
    )
    add(
        "Monitoring",
        f"Container Insights: {count} metrics (cluster, {len(mine)} services, {len(families)} task families)",
        "cloudwatch_metric_month",
        count,
    )


def _elasticache(r: Resource, add, hours, table, services) -> None:
    engine = r.attr("engine") or "redis"
    node = r.attr("node_type")
    nodes = _number(r.attr("num_cache_clusters"), f"{r.address} num_cache_clusters")
    key = f"{engine}:{node}"
    rate = table["prices"]["elasticache_node_hour"]["usd"].get(key)
    if rate is None:
        raise EvalError(f"{r.address}: no price for {key} in terraform/prices.json")
    add(
        "Cache and queue",
        f"ElastiCache {engine} {node} x {nodes:g}",
        "elasticache_node_hour",
        hours * nodes,
        rate,
    )


def _serverless_cache(r: Resource, add, hours, table, services) -> None:
    if r.attr("engine") != "valkey":
        raise EvalError(f"{r.address}: only Valkey serverless is priced (its 100 MB floor)")
    add(
        "Cache and queue",
        "ElastiCache Serverless Valkey, idle (0.1 GB floor)",
        "elasticache_serverless_valkey_gb_hour",
        0.1 * hours,
    )


def _kms(r: Resource, add, hours, table, services) -> None:
    add("Keys and secrets", "KMS customer-managed key", "kms_key_month", 1)
    if r.attr("enable_key_rotation"):
        add(
            "Keys and secrets",
            "KMS key rotation: two rotated key versions (from the third year; $1 in the second)",
            "kms_rotation_month",
            2,
        )


def _secret(r: Resource, add, hours, table, services) -> None:
    add("Keys and secrets", f"Secrets Manager secret {r.name}", "secret_month", 1)


def _web_acl(r: Resource, add, hours, table, services) -> None:
    rules = len(r.blocks("rule"))
    add("Front door", "WAF web ACL", "waf_web_acl_month", 1)
    add("Front door", f"WAF rules ({rules})", "waf_rule_month", rules)


def _alarm(r: Resource, add, hours, table, services) -> None:
    queries = r.blocks("metric_query")
    metrics = sum(1 for q in queries if q.blocks("metric")) if queries else 1
    add(
        "Monitoring",
        f"alarm {r.name} ({metrics} metric{'s' if metrics != 1 else ''})",
        "cloudwatch_alarm_metric_month",
        metrics,
    )


def _metric_filter(r: Resource, add, hours, table, services) -> None:
    add("Monitoring", f"custom metric from the log filter {r.name}", "cloudwatch_metric_month", 1)


def _hosted_zone(r: Resource, add, hours, table, services) -> None:
    what = (
        "Cloud Map namespace's private hosted zone"
        if r.type.startswith("aws_service_discovery")
        else "Route 53 hosted zone"
    )
    add("DNS", what, "route53_zone_month", 1)


def _vpc_link(r: Resource, add, hours, table, services) -> None:
    add("Front door", "API Gateway VPC link (HTTP API): no hourly charge", "api_gateway_vpc_link_hour", hours)


PRICERS = {
    "aws_nat_gateway": _nat,
    "aws_eip": _eip,
    "aws_vpc_endpoint": _vpc_endpoint,
    "aws_lb": _load_balancer,
    "aws_ecs_service": _ecs_service,
    "aws_ecs_cluster": _ecs_cluster,
    "aws_elasticache_replication_group": _elasticache,
    "aws_elasticache_serverless_cache": _serverless_cache,
    "aws_kms_key": _kms,
    "aws_secretsmanager_secret": _secret,
    "aws_wafv2_web_acl": _web_acl,
    "aws_cloudwatch_metric_alarm": _alarm,
    "aws_cloudwatch_log_metric_filter": _metric_filter,
    "aws_route53_zone": _hosted_zone,
    "aws_service_discovery_private_dns_namespace": _hosted_zone,
    "aws_apigatewayv2_vpc_link": _vpc_link,
}


# -- usage at a load -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Load:
    page_views: float
    photos_per_month: float
    stored_gb: float
    cloudfront_gb: float
    free_tier: bool = True  # CloudFront's always-free allowance


def stated_load(table: dict[str, Any]) -> Load:
    load = table["load"]
    return Load(
        load["page_views_per_month"],
        load["new_photos_per_year"] / 12,
        load["stored_gb"],
        load["cloudfront_gb_out_per_month"],
    )


def usage_lines(root: Module, table: dict[str, Any], load: Load) -> list[Line]:
    """Charges that follow use, for the kinds of resources this environment has."""
    p, a, free = table["prices"], table["usage_assumptions"], table["cloudfront_always_free"]
    present: dict[str, int] = {}
    for r in resources(root):
        present[r.type] = present.get(r.type, 0) + 1
    lines: list[Line] = []

    def add(group: str, item: str, key: str, quantity: float, note: str = "") -> None:
        lines.append(Line(group, item, key, quantity, quantity * p[key]["usd"], note))

    def over(amount: float, allowance: float) -> float:
        return max(0.0, amount - allowance) if load.free_tier else amount

    def free_note(amount: float, allowance: float) -> str:
        return (
            " (inside CloudFront's always-free allowance)" if load.free_tier and amount <= allowance else ""
        )

    cloudfront_requests = load.page_views * a["cloudfront_requests_per_page_view"]
    app_requests = load.page_views * a["app_requests_per_page_view"] + a["admin_requests_per_month"]
    add(
        "CloudFront",
        f"data out: {load.cloudfront_gb:g} GB",
        "cloudfront_gb_out",
        over(load.cloudfront_gb, free["gb_out"]),
    )
    add(
        "CloudFront",
        f"HTTPS requests: {cloudfront_requests:,.0f}",
        "cloudfront_https_per_10k",
        over(cloudfront_requests, free["https_requests"]) / 10_000,
    )
    paths = (
        load.photos_per_month * a["invalidation_paths_per_photo"]
        + a["edits_per_month"] * a["invalidation_paths_per_edit"]
    )
    add(
        "CloudFront",
        f"invalidation paths: {paths:,.0f}",
        "cloudfront_invalidation_path",
        over(paths, free["invalidation_paths"]),
    )
    if present.get("aws_cloudfront_function"):
        calls = (
            load.page_views * a["cloudfront_function_requests_per_page_view"] + a["admin_requests_per_month"]
        )
        add(
            "CloudFront",
            f"function invocations: {calls:,.0f}",
            "cloudfront_function_per_million",
            over(calls, free["function_invocations"]) / 1e6,
        )
    if present.get("aws_wafv2_web_acl"):
        add(
            "Front door",
            f"WAF requests: {cloudfront_requests:,.0f}",
            "waf_requests_per_million",
            cloudfront_requests / 1e6,
        )
    if present.get("aws_lb"):
        add(
            "Front door",
            f"load balancer capacity units: {a['alb_lcu']} on average",
            "alb_lcu_hour",
            a["alb_lcu"] * table["hours_per_month"],
        )
    if present.get("aws_apigatewayv2_api"):
        add(
            "Front door",
            f"API Gateway requests: {app_requests:,.0f}",
            "api_gateway_http_per_million",
            app_requests / 1e6,
        )
        add(
            "Front door",
            f"Cloud Map lookups (at most one a request): {app_requests:,.0f}",
            "cloud_map_discovery_per_million",
            app_requests / 1e6,
        )
    if present.get("aws_lambda_function"):
        calls = a["authorizer_invocations_per_month"]
        add(
            "Front door",
            f"authorizer invocations: {calls:,} (answers cached an hour)",
            "lambda_requests_per_million",
            calls / 1e6,
        )
        add(
            "Front door",
            "authorizer compute",
            "lambda_arm_gb_second",
            calls * 0.125 * a["authorizer_ms"] / 1000,
        )
    if present.get("aws_nat_gateway"):
        add(
            "Network",
            f"NAT data processed: {a['nat_gb_per_month']} GB (image pulls, AWS APIs)",
            "nat_gateway_gb",
            a["nat_gb_per_month"],
        )
    add("Storage", f"S3 photos: {load.stored_gb:g} GB", "s3_standard_gb_month", load.stored_gb)
    puts = load.photos_per_month * a["s3_puts_per_photo"]
    gets = (
        load.photos_per_month * a["s3_gets_per_photo"] + load.page_views * a["variant_s3_gets_per_page_view"]
    )
    add("Storage", f"S3 writes: {puts:,.0f}", "s3_put_per_1000", puts / 1000)
    add("Storage", f"S3 reads: {gets:,.0f}", "s3_get_per_1000", gets / 1000)
    reads = app_requests * a["dynamodb_reads_per_app_request"]
    writes = (
        load.photos_per_month * a["dynamodb_writes_per_photo"]
        + a["edits_per_month"] * a["dynamodb_writes_per_photo"]
    )
    add("Database", f"DynamoDB reads: {reads:,.0f} units", "dynamodb_read_per_million", reads / 1e6)
    add("Database", f"DynamoDB writes: {writes:,.0f} units", "dynamodb_write_per_million", writes / 1e6)
    add(
        "Database",
        f"DynamoDB storage: {a['dynamodb_table_gb']} GB",
        "dynamodb_storage_gb_month",
        a["dynamodb_table_gb"],
    )
    add("Database", "DynamoDB point-in-time recovery", "dynamodb_pitr_gb_month", a["dynamodb_table_gb"])
    logs = max(a["log_gb_per_month_floor"], app_requests * a["log_kb_per_app_request"] / 1e6)
    add("Monitoring", f"CloudWatch Logs ingested: {logs:.2f} GB", "cloudwatch_logs_ingest_gb", logs)
    add(
        "Monitoring",
        f"CloudWatch Logs kept: {logs * a['log_months_kept']:.1f} GB (a year's)",
        "cloudwatch_logs_store_gb_month",
        logs * a["log_months_kept"],
    )
    if present.get("aws_kms_key"):
        add(
            "Keys and secrets",
            f"KMS requests: {a['kms_requests_per_month']:,}",
            "kms_requests_per_10k",
            a["kms_requests_per_month"] / 10_000,
        )
    if present.get("aws_ecr_repository"):
        add("Storage", f"ECR images: {a['ecr_gb_stored']} GB", "ecr_storage_gb_month", a["ecr_gb_stored"])
    if present.get("aws_sns_topic_subscription"):
        add(
            "Storage",
            "upload notifications (SNS to the site)",
            "sns_https_per_million",
            load.photos_per_month / 1e6,
        )
    return lines


# -- estimates -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    environment: str
    fixed: list[Line]
    usage: list[Line]
    marginal: dict[str, float]

    @property
    def fixed_total(self) -> float:
        return sum(line.monthly for line in self.fixed)

    @property
    def total(self) -> float:
        return self.fixed_total + sum(line.monthly for line in self.usage)


def _usage_total(root: Module, table: dict[str, Any], load: Load) -> float:
    return sum(line.monthly for line in usage_lines(root, table, load))


def estimate(environment: str, terraform: Path = TERRAFORM, table: dict[str, Any] | None = None) -> Estimate:
    table = table or prices()
    root = root_module(environment, terraform)
    load = stated_load(table)
    base = _usage_total(root, table, load)
    past_free = replace(load, free_tier=False)
    marginal = {
        "10k page views": _usage_total(root, table, replace(load, page_views=load.page_views + 10_000))
        - base,
        "10k page views past the free tier": _usage_total(
            root,
            table,
            replace(past_free, page_views=load.page_views + 10_000, cloudfront_gb=load.cloudfront_gb * 1.2),
        )
        - _usage_total(root, table, past_free),
        "100 GB stored": _usage_total(root, table, replace(load, stored_gb=load.stored_gb + 100)) - base,
        "1,000 photos processed": _usage_total(
            root, table, replace(load, photos_per_month=load.photos_per_month + 1000)
        )
        - base,
        "1,000 photos stored": 1000
        * table["usage_assumptions"]["mb_stored_per_photo"]
        / 1000
        * table["prices"]["s3_standard_gb_month"]["usd"],
    }
    return Estimate(environment, fixed_lines(root, table), usage_lines(root, table, load), marginal)


# -- docs/cost.md ----------------------------------------------------------------------------------
def _money(value: float) -> str:
    return f"${value:,.2f}"


def _unit_price(key: str, line: Line, table: dict[str, Any]) -> str:
    entry = table["prices"][key]
    usd = entry["usd"]
    if isinstance(usd, dict) or line.quantity and abs(line.monthly / line.quantity - usd) > 1e-12:
        usd = line.monthly / line.quantity if line.quantity else 0.0  # engine/node price or a Spot discount
    return f"[{_price(usd)}]({entry['source']}) per {entry['unit']}"


def _price(usd: float) -> str:
    if usd == round(usd, 2):
        return f"${usd:,.2f}"
    return "$" + f"{usd:.10f}".rstrip("0")


def _quantity(line: Line) -> str:
    return f"{line.quantity:,.4g}"


def environment_table(est: Estimate, table: dict[str, Any]) -> str:
    rows = ["| | resource | unit price | quantity a month | per month |", "|---|---|---|---:|---:|"]
    for line in est.fixed:
        rows.append(
            f"| {line.group} | {line.item} | {_unit_price(line.price, line, table)} | {_quantity(line)} | {_money(line.monthly)} |"
        )
    rows.append(f"| | **fixed, per month** | | | **{_money(est.fixed_total)}** |")
    for line in est.usage:
        rows.append(
            f"| {line.group} | {line.item} | {_unit_price(line.price, line, table)} | {_quantity(line)} | {_money(line.monthly)} |"
        )
    rows.append(f"| | **total at the stated load** | | | **{_money(est.total)}** |")
    return "\n".join(rows)


def summary_table(estimates: list[Estimate]) -> str:
    rows = ["| environment | fixed, per month | at the stated load | per 10,000 page views (inside / past CloudFront's free tier) | per 100 GB stored | per 1,000 photos processed (that month / then, to keep them) |", "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for est in estimates:
        m = est.marginal
        rows.append(
            f"| {est.environment} | {_money(est.fixed_total)} | {_money(est.total)} | "
            f"{_money(m['10k page views'])} / {_money(m['10k page views past the free tier'])} | "
            f"{_money(m['100 GB stored'])} | {_money(m['1,000 photos processed'])} / {_money(m['1,000 photos stored'])} a month |"
        )
    return "\n".join(rows)


def generated_sections(terraform: Path = TERRAFORM) -> dict[str, str]:
    table = prices()
    estimates = [estimate(env, terraform, table) for env in ENVIRONMENTS]
    sections = {"summary": summary_table(estimates)}
    sections.update({est.environment: environment_table(est, table) for est in estimates})
    return sections


def markers(name: str) -> tuple[str, str]:
    return f"<!-- cost:{name}:start -->\n", f"\n<!-- cost:{name}:end -->"


def write_docs() -> None:
    text = DOC.read_text()
    for name, body in generated_sections().items():
        start, end = markers(name)
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + start + body + end + tail
    DOC.write_text(text)


def main(argv: list[str]) -> int:
    if "--write" in argv:
        write_docs()
        print(f"rewrote the generated tables of {DOC.relative_to(ROOT)}")
        return 0
    table = prices()
    for env in ENVIRONMENTS:
        est = estimate(env, TERRAFORM, table)
        budget = BUDGET.get(env)
        limit = f" (budget {_money(budget['fixed'])} / {_money(budget['at_load'])})" if budget else ""
        print(f"{env}: fixed {_money(est.fixed_total)}, at the stated load {_money(est.total)}{limit}")
        for line in est.fixed:
            print(f"    {_money(line.monthly):>9}  {line.item}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = [
    "BUDGET",
    "ENVIRONMENTS",
    "EvalError",
    "Estimate",
    "Line",
    "estimate",
    "generated_sections",
    "markers",
]
