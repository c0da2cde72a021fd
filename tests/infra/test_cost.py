"""What each environment costs, computed from its Terraform (costing.py): solo stays within the
budget a photographer can pay, docs/cost.md shows the computed figures, and the figures follow
the Terraform (a NAT gateway, a bigger task or an unpriced resource type shows here first)."""

from __future__ import annotations

import datetime
import importlib.util
import json
import re
import shutil
import subprocess

import pytest

from .conftest import ROOT, TERRAFORM
from .costing import (
    BUDGET,
    DOC,
    ENVIRONMENTS,
    NO_FIXED_CHARGE,
    PRICERS,
    EvalError,
    estimate,
    generated_sections,
    markers,
    prices,
    root_module,
)
from .hcl_eval import environments


@pytest.fixture(scope="module")
def estimates():
    table = prices()
    return {env: estimate(env, TERRAFORM, table) for env in ENVIRONMENTS}


def test_solo_fits_the_budget_a_photographer_can_pay(estimates):
    for env, est in estimates.items():
        print(f"{env}: fixed ${est.fixed_total:.2f}, at the stated load ${est.total:.2f}")
    solo = estimates["solo"]
    assert solo.fixed_total <= BUDGET["solo"]["fixed"], [
        (line.item, round(line.monthly, 2)) for line in solo.fixed
    ]
    assert solo.total <= BUDGET["solo"]["at_load"], [
        (line.item, round(line.monthly, 2)) for line in solo.usage
    ]
    # The stated load stays inside CloudFront's always-free terabyte: no data-out charge yet.
    data_out = next(line for line in solo.usage if line.price == "cloudfront_gb_out")
    assert data_out.monthly == 0
    assert solo.marginal["10k page views past the free tier"] > 3  # 40 GB at $0.085 and more


def test_solo_saves_what_it_says_and_prod_keeps_its_high_availability(estimates):
    solo = {line.price for line in estimates["solo"].fixed}
    assert not solo & {"nat_gateway_hour", "alb_hour", "waf_web_acl_month", "elasticache_node_hour"}
    assert {"fargate_arm_vcpu_hour", "api_gateway_vpc_link_hour"} <= solo
    assert not any("Container Insights" in line.item for line in estimates["solo"].fixed)
    prod = estimates["prod"].fixed
    assert sum(1 for line in prod if line.price == "nat_gateway_hour") == 2  # one per zone
    web = next(line for line in prod if line.item.startswith("Fargate web"))
    assert "x 2" in web.item  # two web tasks
    assert any("x 2" in line.item for line in prod if line.price == "elasticache_node_hour")  # a replica
    assert estimates["solo"].fixed_total < estimates["dev"].fixed_total < estimates["prod"].fixed_total


def test_docs_show_the_computed_figures():
    text = DOC.read_text()
    for name, body in generated_sections().items():
        start, end = markers(name)
        assert start in text and end in text, f"docs/cost.md lacks the {name} table markers"
        shown = text.split(start, 1)[1].split(end, 1)[0]
        assert shown == body, f"docs/cost.md's {name} table is out of date: run scripts/cost --write"


def test_every_price_is_dated_and_sourced():
    table = prices()
    for key, entry in table["prices"].items():
        assert entry["source"].startswith("https://aws.amazon.com/"), key
        assert entry["read_in"] and entry["unit"], key
        assert datetime.date.fromisoformat(entry["checked"]) <= datetime.date.today(), key
        values = entry["usd"].values() if isinstance(entry["usd"], dict) else [entry["usd"]]
        assert all(isinstance(v, int | float) and v >= 0 for v in values), key
    free = table["cloudfront_always_free"]
    assert free["gb_out"] >= 1000 and free["source"].startswith("https://aws.amazon.com/")


def test_every_environment_is_estimated():
    assert sorted(ENVIRONMENTS) == environments(TERRAFORM)


def test_every_resource_type_is_priced_or_known_to_cost_nothing_idle():
    types = set()
    for path in TERRAFORM.rglob("*.tf"):
        types |= set(re.findall(r'^resource "(\w+)"', path.read_text(), re.M))
    assert types <= set(PRICERS) | set(NO_FIXED_CHARGE), types - set(PRICERS) - set(NO_FIXED_CHARGE)


@pytest.fixture
def copy(tmp_path):
    """A copy of terraform/ to change (the environments' shared files are links inside it)."""
    target = tmp_path / "terraform"
    shutil.copytree(TERRAFORM, target, symlinks=True, ignore=shutil.ignore_patterns(".build", ".terraform"))
    return target


def _resize(terraform, env, old, new):
    main = terraform / "environments" / env / "main.tf"
    text = main.read_text()
    assert re.search(old, text), old
    main.write_text(re.sub(old, new, text, count=1))


def test_the_estimate_follows_the_terraform(copy, estimates):
    table = prices()
    hours, p = table["hours_per_month"], table["prices"]
    before = estimates["solo"].fixed_total

    _resize(copy, "solo", r"nat_gateways\s*=\s*0", "nat_gateways = 1")
    with_nat = estimate("solo", copy, table).fixed_total
    assert with_nat - before == pytest.approx(
        hours * (p["nat_gateway_hour"]["usd"] + p["public_ipv4_hour"]["usd"])
    )
    assert with_nat > BUDGET["solo"]["fixed"]  # the test above would fail

    _resize(copy, "solo", r"cpu = 256, memory = 2048", "cpu = 512, memory = 2048")
    bigger = estimate("solo", copy, table).fixed_total
    assert bigger - with_nat == pytest.approx(0.25 * hours * p["fargate_arm_vcpu_hour"]["usd"])

    _resize(copy, "solo", r'cpu_architecture\s*=\s*"ARM64"', 'cpu_architecture = "X86_64"')
    x86 = estimate("solo", copy, table).fixed_total
    assert x86 > bigger

    _resize(copy, "solo", r"waf\s*=\s*false", "waf = true")
    assert estimate("solo", copy, table).fixed_total - x86 == pytest.approx(
        p["waf_web_acl_month"]["usd"] + 3 * p["waf_rule_month"]["usd"]
    )


def test_an_unpriced_resource_type_fails_the_estimate(copy):
    network = copy / "modules" / "network" / "main.tf"
    network.write_text(
        network.read_text() + '\nresource "aws_instance" "bastion" {\n  instance_type = "t4g.nano"\n}\n'
    )
    with pytest.raises(EvalError, match="aws_instance"):
        estimate("solo", copy)


def test_fargate_spot_is_priced_and_refused_for_arm(copy):
    app = copy / "modules" / "app-service" / "main.tf"
    text = app.read_text()
    spot = 'capacity_provider_strategy {\n    capacity_provider = "FARGATE_SPOT"\n    weight            = 1\n  }\n'
    text = text.replace(
        '  name                               = "app"\n',
        '  name                               = "app"\n' + spot,
    )
    text = re.sub(
        r'(resource "aws_ecs_service" "app" \{.*?)\n  launch_type\s*=\s*"FARGATE"',
        r"\1",
        text,
        count=1,
        flags=re.S,
    )
    app.write_text(text)
    with pytest.raises(EvalError, match="Spot runs only X86_64"):
        estimate("solo", copy)
    _resize(copy, "solo", r'cpu_architecture\s*=\s*"ARM64"', 'cpu_architecture = "X86_64"')
    table = prices()
    task = [line for line in estimate("solo", copy, table).fixed if line.item.startswith("Fargate app")]
    full = 0.25 * table["hours_per_month"] * table["prices"]["fargate_x86_vcpu_hour"]["usd"]
    assert task[0].monthly == pytest.approx(full * (1 - table["prices"]["fargate_spot_discount"]["usd"]))


# -- the solo front door ---------------------------------------------------------------------------
def test_solo_trusts_exactly_its_front_door():
    """CloudFront, then API Gateway: two hops; the containers' only peers are the VPC link's
    network interfaces, in the private subnets."""
    site = root_module("solo").child("site")
    app, network = site.child("app"), site.child("network")
    assert app.local("environment")["SGOODIE_PROXY_HOPS"] == "2"
    link_subnets = sorted(
        r.attr("cidr_block") for r in network.instances("resource", "aws_subnet") if r.name == "private"
    )
    assert app.var("trusted_proxies").split(",") == link_subnets == ["10.40.128.0/20", "10.40.144.0/20"]
    assert site.module_calls["front_door"]["subnet_ids"] == "${module.network.private_subnet_ids}"
    ingress = next(app.instances("resource", "aws_vpc_security_group_ingress_rule"))
    assert ingress.body["referenced_security_group_id"].startswith("${local.alb ?")
    assert app.var("front_door_security_group_id") is not None
    for env in ("dev", "prod"):  # behind the load balancer, in private subnets, as before
        assert root_module(env).child("site").child("app").var("trusted_proxies") == "*"


def test_the_origin_check_admits_only_cloudfronts_secret(monkeypatch):
    monkeypatch.setenv("ORIGIN_VERIFY", "s3cret-value")
    path = TERRAFORM / "modules" / "api-gateway" / "origin_verify.py"
    spec = importlib.util.spec_from_file_location("origin_verify", path)
    authorizer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(authorizer)
    assert authorizer.handler({"headers": {"x-origin-verify": "s3cret-value"}}, None) == {
        "isAuthorized": True
    }
    for headers in ({"x-origin-verify": "s3cret-valuE"}, {"x-origin-verify": ""}, {}, None):
        assert authorizer.handler({"headers": headers}, None) == {"isAuthorized": False}


def test_the_viewer_host_function_carries_the_sites_host():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    code = (TERRAFORM / "modules" / "cdn" / "viewer-host.js").read_text()
    script = code + (
        "\nconst out = handler({request: {headers: {host: {value: 'sgoodie.com'}, 'x-sgoodie-host': {value: 'evil.test'}}}});"
        "\nconsole.log(JSON.stringify(out.headers));"
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=30)
    headers = json.loads(result.stdout)
    assert headers["x-sgoodie-host"] == {"value": "sgoodie.com"} and headers["host"] == {
        "value": "sgoodie.com"
    }


def test_cost_docs_are_linked_from_the_readme_and_the_runbook(estimates):
    readme, runbook = (ROOT / "README.md").read_text(), (ROOT / "docs" / "deployment.md").read_text()
    assert "docs/cost.md" in readme and "cost.md" in runbook
    # "about $20 a month" for solo, wherever it is said, stays near the computed figure.
    solo = estimates["solo"].fixed_total
    for text in (readme, runbook, DOC.read_text(), (TERRAFORM / "environments/solo/main.tf").read_text()):
        claims = [int(n) for n in re.findall(r"about \**\$(\d+) a month", text)]
        assert claims and all(abs(n - solo) <= 0.1 * solo for n in claims), (claims, solo)
