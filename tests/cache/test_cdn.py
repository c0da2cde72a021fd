"""CloudFront invalidations: paths derived from tags, one batch per change, errors never fail a save."""

from __future__ import annotations

from dataclasses import replace

import boto3
import pytest
from moto import mock_aws

from sgoodie import content, create_app
from sgoodie.cache import cdn
from sgoodie.services import services


def test_paths_for_tags():
    slugs = {"p1": "harbour-loft"}.get
    assert cdn.paths_for_tags({"project:p1", "category:interiors", "home", "sitemap"}, slugs) == {
        "/projects/harbour-loft", "/work/interiors", "/", "/sitemap.xml"}
    assert cdn.paths_for_tags({"page:about"}, slugs) == {"/about"}
    assert cdn.paths_for_tags({"page:work-travel"}, slugs) == {"/work/travel"}
    assert cdn.paths_for_tags({"page:personal-branding"}, slugs) == {"/personal-branding", "/"}
    assert cdn.paths_for_tags({"project:gone"}, slugs) == {"/projects/*"}
    assert cdn.paths_for_tags({"site", "home"}, slugs) == {"/*"}
    assert cdn.paths_for_tags({f"category:c{i}" for i in range(cdn.MAX_PATHS + 1)}, slugs) == {"/*"}


def _distribution() -> str:
    client = boto3.client("cloudfront", region_name="us-east-1")
    config = {
        "CallerReference": "sgoodie-test",
        "Comment": "test",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "app", "DomainName": "example.com", "CustomOriginConfig": {
            "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "app", "ViewerProtocolPolicy": "redirect-to-https",
                                  "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}},
    }
    return client.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


@pytest.fixture
def cdn_app(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        distribution_id = _distribution()
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "x",
                          "CLOUDFRONT_DISTRIBUTION_ID": distribution_id})
        with app.app_context():
            services().store.init_schema()
        yield app, distribution_id


def _invalidated_paths(distribution_id):
    client = boto3.client("cloudfront", region_name="us-east-1")
    items = client.list_invalidations(DistributionId=distribution_id)["InvalidationList"].get("Items", [])
    return [sorted(client.get_invalidation(DistributionId=distribution_id, Id=i["Id"])["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]) for i in items]


def test_an_admin_save_sends_one_deduplicated_invalidation_after_the_response(cdn_app, portfolio_factory, client=None):
    app, distribution_id = cdn_app
    project = portfolio_factory(app).project("Harbour Loft", "interiors", featured=True)
    invalidator = cdn.invalidator(app)
    invalidator.wait()
    invalidator.sent.clear()
    before = len(_invalidated_paths(distribution_id))

    with app.test_request_context():
        current = services().store.get_project(project.id)
        content.save_project(replace(current, title="Harbour Loft II", featured=False), current)
        assert invalidator.sent == []  # nothing leaves before the request is over
        app.do_teardown_request()
    invalidator.wait()
    batches = _invalidated_paths(distribution_id)[before:]
    assert batches == [sorted({f"/projects/{project.slug}", "/work/interiors", "/", "/sitemap.xml"})]


def test_a_cloudfront_error_is_retried_and_never_fails_the_save(cdn_app, portfolio_factory, monkeypatch, caplog):
    app, _ = cdn_app
    project = portfolio_factory(app).project("Dune Camp", "travel")
    invalidator = cdn.invalidator(app)
    invalidator.wait()
    calls = []
    real_send = invalidator.send

    def flaky(paths):
        calls.append(paths)
        if len(calls) == 1:
            raise RuntimeError("CloudFront is having a bad day")
        return real_send(paths)

    monkeypatch.setattr(invalidator, "send", flaky)
    monkeypatch.setattr(cdn, "RETRY_DELAYS", (0.05,))
    with app.test_request_context():
        current = services().store.get_project(project.id)
        saved = content.save_project(replace(current, description="Night sky."), current)
        app.do_teardown_request()
    assert saved.description == "Night sky."
    import time

    deadline = time.monotonic() + 5
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(calls) == 2 and calls[0] == calls[1]
    assert "retrying" in caplog.text
