"""CloudFront invalidations: paths declared with the tags, one batch per change, errors never fail a save."""

from __future__ import annotations

import logging
import sys
import types
from dataclasses import replace
from importlib.metadata import EntryPoint

import boto3
import pytest
from moto import mock_aws

from sgoodie import content, create_app, plugin_api, plugin_loader
from sgoodie.cache import cdn
from sgoodie.services import services


def test_the_public_site_declares_the_paths_of_its_tags(app, portfolio):
    project = portfolio.project("Harbour Loft", "interiors")
    paths = cdn.tag_paths(app)
    with app.app_context():
        assert paths.paths_for({f"project:{project.id}", "category:interiors", "home", "sitemap"}) == {
            "/projects/harbour-loft",
            "/sitemap-interiors-0.xml",  # the project's sitemap part
            "/work/interiors",
            "/",
            "/sitemap.xml",
            "/sitemap-pages.xml",
        }
        assert paths.paths_for({"sitemap:travel"}) == {"/sitemap.xml", "/sitemap-travel-*"}
        assert paths.paths_for({"page:about"}) == {
            "/about",
            "/sitemap-pages.xml",
        }  # the sitemap's pages part lists the page's photos
        assert paths.paths_for({"page:work-travel"}) == {"/work/travel"}
        assert paths.paths_for({"page:personal-branding"}) == {
            "/personal-branding",
            "/",
            "/sitemap-pages.xml",
        }
        assert paths.paths_for({"project:gone"}) == {"/projects/*"}
        assert paths.paths_for({"site", "home"}) == {"/*"}
        assert paths.paths_for({"all"}) == {"/*"}
        assert paths.paths_for({f"category:c{i}" for i in range(cdn.MAX_PATHS + 1)}) == {"/*"}


def test_declared_paths_exact_tags_families_and_functions(caplog):
    paths = cdn.TagPaths()
    paths.declare(
        {"journal": ["/journal"], "journal:*": lambda slug: [f"/journal/{slug}"], "journal:drafts": []},
        owner="plugin journal",
    )
    assert paths.paths_for({"journal", "journal:first-post"}) == {"/journal", "/journal/first-post"}
    assert paths.paths_for({"journal:drafts"}) == set()  # an exact declaration wins over its family
    assert paths.paths_for({"unknown"}) == {"/*"}  # undeclared: a wide invalidation beats a stale page
    assert "no CDN paths declared for cache tag unknown" in caplog.text


def test_a_declaration_that_fails_invalidates_everything_and_says_who_declared_it(caplog):
    paths = cdn.TagPaths()
    paths.declare(
        {"broken:*": lambda value: 1 / 0, "relative:*": lambda value: [value]}, owner="plugin broken"
    )
    with caplog.at_level(logging.ERROR, logger="sgoodie.cache"):
        assert paths.paths_for({"broken:x"}) == {"/*"}
        assert paths.paths_for({"relative:journal"}) == {"/*"}
    assert "cache tag broken:x (declared by plugin broken)" in caplog.text
    assert "must start with /" in caplog.text


def test_a_tag_has_one_owner_and_paths_start_with_a_slash():
    paths = cdn.TagPaths()
    paths.declare({"site": ["/*"]}, owner="plugin public")
    with pytest.raises(ValueError, match="already declared by plugin public"):
        paths.declare({"mine": ["/mine"], "site": ["/"]}, owner="plugin greedy")
    assert paths.paths_for({"mine"}) == {"/*"}  # nothing of the refused declaration was kept
    with pytest.raises(ValueError, match="must start with /"):
        paths.declare({"journal": ["journal"]}, owner="plugin journal")


def _distribution() -> str:
    client = boto3.client("cloudfront", region_name="us-east-1")
    config = {
        "CallerReference": "sgoodie-test",
        "Comment": "test",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "app",
                    "DomainName": "example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "app",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        },
    }
    return client.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


JOURNAL = """
from flask import Blueprint
from sgoodie.plugin_api import Plugin, tag_response

plugin = Plugin("journal", cache_tags={"journal": ["/journal/"], "journal:*": lambda slug: [f"/journal/{slug}"]})
bp = plugin.add_blueprint(Blueprint("journal", __name__, url_prefix="/journal"))

@bp.get("/<slug>")
def post(slug):
    tag_response("journal", f"journal:{slug}")
    return f"post {slug}"
"""


@pytest.fixture
def journal_plugin(monkeypatch):
    """A third-party plugin with its own cache tags, found through its entry point."""
    module = types.ModuleType("journal_plugin")
    exec(JOURNAL, module.__dict__)
    monkeypatch.setitem(sys.modules, "journal_plugin", module)
    entry = EntryPoint(name="journal", value="journal_plugin:plugin", group=plugin_loader.ENTRY_POINT_GROUP)
    monkeypatch.setattr(plugin_loader, "entry_points", lambda group: [entry] if group == entry.group else [])


@pytest.fixture
def cdn_app(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        distribution_id = _distribution()
        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(tmp_path / "i"),
                "SECRET_KEY": "x",
                "CLOUDFRONT_DISTRIBUTION_ID": distribution_id,
            }
        )
        with app.app_context():
            services().store.init_schema()
        yield app, distribution_id


def _invalidated_paths(distribution_id):
    client = boto3.client("cloudfront", region_name="us-east-1")
    items = client.list_invalidations(DistributionId=distribution_id)["InvalidationList"].get("Items", [])
    return [
        sorted(
            client.get_invalidation(DistributionId=distribution_id, Id=i["Id"])["Invalidation"][
                "InvalidationBatch"
            ]["Paths"]["Items"]
        )
        for i in items
    ]


def test_an_admin_save_sends_one_deduplicated_invalidation_after_the_response(
    cdn_app, portfolio_factory, client=None
):
    app, distribution_id = cdn_app
    project = portfolio_factory(app).project("Harbour Loft", "interiors", featured=True)
    invalidator = cdn.invalidator(app)
    invalidator.wait()
    invalidator.sent.clear()
    before = len(_invalidated_paths(distribution_id))

    with app.test_request_context():
        current = services().store.get_project(project.id)
        content.projects.save(replace(current, title="Harbour Loft II", featured=False), current)
        assert invalidator.sent == []  # nothing leaves before the request is over
        app.do_teardown_request()
    invalidator.wait()
    batches = _invalidated_paths(distribution_id)[before:]
    # Unfeatured: the home page's record changes too, and the sitemap's pages part lists its photos.
    expected = {f"/projects/{project.slug}", "/sitemap-interiors-0.xml", "/work/interiors", "/"}
    assert batches == [sorted(expected | {"/sitemap-pages.xml"})]


def test_a_cloudfront_error_is_retried_and_never_fails_the_save(
    cdn_app, portfolio_factory, monkeypatch, caplog
):
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
        saved = content.projects.save(replace(current, description="Night sky."), current)
        app.do_teardown_request()
    assert saved.description == "Night sky."
    import time

    deadline = time.monotonic() + 5
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(calls) == 2 and calls[0] == calls[1]
    assert "retrying" in caplog.text


def test_a_plugin_purge_invalidates_the_paths_the_plugin_declared(journal_plugin, cdn_app):
    app, distribution_id = cdn_app
    client = app.test_client()
    assert client.get("/journal/first-post").headers["X-Cache"] == "MISS"
    assert client.get("/journal/first-post").headers["X-Cache"] == "HIT"
    invalidator = cdn.invalidator(app)
    before = len(_invalidated_paths(distribution_id))

    with app.test_request_context():
        plugin_api.purge_tags("journal", "journal:first-post")
        assert invalidator.sent == []  # batched until the request is over
        app.do_teardown_request()
    invalidator.wait()
    assert client.get("/journal/first-post").headers["X-Cache"] == "MISS"
    assert _invalidated_paths(distribution_id)[before:] == [["/journal/", "/journal/first-post"]]

    with app.app_context():  # a job or the CLI: sent at once
        plugin_api.purge_tags("journal:second-post")
    invalidator.wait()
    assert _invalidated_paths(distribution_id)[before + 1 :] == [["/journal/second-post"]]


def test_a_plugin_cannot_take_over_a_core_tag(tmp_path, monkeypatch):
    module = types.ModuleType("greedy_plugin")
    exec(
        "from sgoodie.plugin_api import Plugin\nplugin = Plugin('greedy', cache_tags={'site': ['/']})",
        module.__dict__,
    )
    monkeypatch.setitem(sys.modules, "greedy_plugin", module)
    entry = EntryPoint(name="greedy", value="greedy_plugin:plugin", group=plugin_loader.ENTRY_POINT_GROUP)
    monkeypatch.setattr(plugin_loader, "entry_points", lambda group: [entry] if group == entry.group else [])
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "x"})
    record = next(r for r in plugin_loader.registry(app).records if r.name == "greedy")
    assert (
        record.state == "failed" and "cache tag 'site' is already declared by plugin public" in record.reason
    )
    with app.app_context():
        assert cdn.tag_paths(app).paths_for({"site"}) == {"/*"}


def test_a_project_moved_to_the_trash_is_forgotten_by_the_cdn(cdn_app, portfolio_factory):
    app, distribution_id = cdn_app
    project = portfolio_factory(app).project("Gone Loft", "interiors")
    invalidator = cdn.invalidator(app)
    invalidator.wait()
    invalidator.sent.clear()
    with app.test_request_context():
        content.projects.delete(services().store.get_project(project.id))
        app.do_teardown_request()
        assert services().jobs.wait(60)
    invalidator.wait()
    sent = {path for batch in invalidator.sent for path in batch}
    assert {f"/projects/{project.id}/*", f"/private/projects/{project.id}/*"} <= sent
