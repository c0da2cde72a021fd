"""The page cache seen through HTTP: hits and misses, validators, and who never gets a cached page."""

from __future__ import annotations

import pytest

from sgoodie import signals
from sgoodie.cache import page_cache
from sgoodie.services import services


@pytest.fixture
def project(portfolio):
    return portfolio.project("Harbour Loft", "interiors")


def test_second_visit_is_a_hit_with_the_same_body(client, project):
    first = client.get("/work/interiors")
    second = client.get("/work/interiors")
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert second.get_data() == first.get_data()
    assert "Harbour Loft" in second.get_data(as_text=True)


def test_public_pages_carry_http_caching_headers(client, project):
    response = client.get(f"/projects/{project.slug}")
    control = response.headers["Cache-Control"]
    assert control.startswith("public")
    assert "max-age=60" in control and "s-maxage=600" in control and "stale-while-revalidate" in control
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert client.get(f"/projects/{project.slug}").headers["ETag"] == etag


@pytest.mark.parametrize("path", ["/", "/about", "/work/travel", "/sitemap.xml"])
def test_conditional_requests_get_304_from_cache_and_fresh_render(client, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    for _ in range(2):  # once answered by the render, once by the cache
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.get_data() == b""


def test_head_requests_are_answered_from_the_cache(client, project):
    client.get("/work/interiors")
    response = client.head("/work/interiors")
    assert response.headers["X-Cache"] == "HIT"
    assert response.get_data() == b""


def test_query_strings_bypass_the_cache(client, project):
    client.get("/work/interiors")
    response = client.get("/work/interiors?utm_source=newsletter")
    assert "X-Cache" not in response.headers
    assert response.status_code == 200


def test_missing_pages_are_not_cached(client):
    assert client.get("/projects/nothing-here").status_code == 404
    response = client.get("/projects/nothing-here")
    assert response.status_code == 404
    assert "X-Cache" not in response.headers


def test_signed_in_admin_gets_fresh_private_pages_and_never_feeds_the_cache(client, admin, project, app):
    admin_view = client.get("/work/interiors")
    assert admin_view.headers["Cache-Control"] == "private, no-store"
    assert "X-Cache" not in admin_view.headers
    visitor = app.test_client()
    first = visitor.get("/work/interiors")
    assert first.headers["X-Cache"] == "MISS"  # the admin's render was not stored
    assert b"/admin/" not in first.get_data()


def test_admin_and_api_responses_are_never_cached(client, admin):
    for path in ("/admin/", "/admin/projects/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "X-Cache" not in response.headers
    anonymous = client.application.test_client().get("/admin/login")
    assert anonymous.headers["Cache-Control"] == "private, no-store"


def test_cache_can_be_switched_off(tmp_path):
    from sgoodie import create_app

    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "off"), "SECRET_KEY": "x", "PAGE_CACHE": False}
    )
    with app.app_context():
        from sgoodie.services import services

        services().store.init_schema()
    client = app.test_client()
    for _ in range(2):
        response = client.get("/about")
        assert response.status_code == 200
        assert "X-Cache" not in response.headers
        assert response.headers["ETag"]  # still a validator for browsers and the CDN


def test_hit_ratio_counts_every_view(client, app, project):
    for _ in range(3):
        client.get("/work/interiors")
    with app.app_context():
        stats = page_cache().hit_ratio()
    assert stats["available"] and stats["backend"] == "sqlite"
    assert (stats["hits"], stats["misses"]) == (2, 1)


def test_dashboard_shows_the_hit_ratio(client, admin, project, app):
    visitor = app.test_client()
    for _ in range(4):
        visitor.get("/work/interiors")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Page cache" in html
    assert "75%" in html


def test_purge_command_drops_pages_by_tag_and_all(client, runner, project):
    client.get("/work/interiors")
    client.get("/about")
    result = runner.invoke(args=["purge", "--tag", "category:interiors"])
    assert result.exit_code == 0, result.output
    assert client.get("/work/interiors").headers["X-Cache"] == "MISS"
    assert client.get("/about").headers["X-Cache"] == "HIT"
    assert runner.invoke(args=["purge", "--all"]).exit_code == 0
    assert client.get("/about").headers["X-Cache"] == "MISS"
    usage = runner.invoke(args=["purge"])
    assert usage.exit_code != 0 and "--tag" in usage.output


def test_a_page_rendered_across_a_purge_is_not_stored(client, app, project, monkeypatch):
    """A purge landing while a page renders must not leave the stale render in the cache."""
    from sgoodie.public import views

    original = views.render_template

    def render_then_someone_purges(*args, **kwargs):
        html = original(*args, **kwargs)
        page_cache(app).purge({"page:nothing-shown-here"})
        return html

    monkeypatch.setattr(views, "render_template", render_then_someone_purges)
    assert client.get("/about").headers["X-Cache"] == "MISS"
    monkeypatch.setattr(views, "render_template", original)
    assert client.get("/about").headers["X-Cache"] == "MISS"
    assert client.get("/about").headers["X-Cache"] == "HIT"


def test_plugins_hear_about_purges(app):
    """Plugins connect with the app as sender (Plugin.on); a purge made through `current_app` must
    reach them too."""
    heard = []

    def receiver(sender, tags, **_):
        heard.append(tags)

    signals.cache_purged.connect(receiver, sender=app)
    with app.test_request_context():
        services().purge("project:x")
    assert heard == [{"project:x"}]


# -- the key: everything the page's links are built from, and nothing a client may invent --------
def _page_keys(app) -> list[str]:
    backend = page_cache(app).cache.cache
    return [row[0] for row in backend._connection().execute("SELECT key FROM cache WHERE key LIKE '%page:%'")]


def test_with_a_site_url_invented_hosts_share_one_entry(tmp_path, portfolio_factory):
    from sgoodie import create_app

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "i"),
            "SECRET_KEY": "s",
            "SITE_URL": "https://sgoodie.example",
        }
    )
    with app.app_context():
        services().store.init_schema()
    portfolio_factory(app).project("Harbour Loft", "interiors")
    client = app.test_client()
    answers = [client.get("/work/interiors", headers={"Host": f"h{n}.invented.example"}) for n in range(30)]
    assert [a.headers["X-Cache"] for a in answers] == ["MISS"] + ["HIT"] * 29
    assert len(_page_keys(app)) == 1
    assert all('href="https://sgoodie.example/work/interiors"' in a.get_data(as_text=True) for a in answers)


def test_the_script_root_is_part_of_the_key(client, project):
    mounted = client.get("/", environ_overrides={"SCRIPT_NAME": "/about"}).get_data(as_text=True)
    assert "/about/static/" in mounted
    home = client.get("/").get_data(as_text=True)
    assert "/about/static/" not in home and "/static/" in home


def test_the_scheme_is_part_of_the_key(client, project):
    plain = client.get("/", base_url="http://sgoodie.test").get_data(as_text=True)
    assert '<link rel="canonical" href="http://sgoodie.test/">' in plain
    secure = client.get("/", base_url="https://sgoodie.test")
    assert secure.headers["X-Cache"] == "MISS"
    assert '<link rel="canonical" href="https://sgoodie.test/">' in secure.get_data(as_text=True)


def test_the_local_cache_stays_within_its_size_and_drops_the_oldest_pages(tmp_path, portfolio_factory):
    from sgoodie import create_app

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "i"),
            "SECRET_KEY": "s",
            "CACHE_MAX_BYTES": 300_000,
        }
    )
    with app.app_context():
        services().store.init_schema()
    portfolio_factory(app).project("Harbour Loft", "interiors")
    client = app.test_client()
    # Local development keys on the Host (links use it): many invented hosts, many pages.
    for n in range(120):
        assert client.get("/work/interiors", headers={"Host": f"h{n}.invented.example"}).status_code == 200
    backend = page_cache(app).cache.cache
    assert backend.stored_bytes() <= 300_000
    assert 0 < len(_page_keys(app)) < 120
    assert (
        client.get("/work/interiors", headers={"Host": "h119.invented.example"}).headers["X-Cache"] == "HIT"
    )
    assert client.get("/work/interiors", headers={"Host": "h0.invented.example"}).headers["X-Cache"] == "MISS"


def test_pages_drawn_by_other_code_are_never_served(tmp_path, portfolio_factory):
    """An upgrade, a plugin turned on or off, or a template override changes what draws the pages:
    the pages the old code drew stay in the cache but are never served by the new."""
    from sgoodie import create_app

    config = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "s"}
    before = create_app(config)
    with before.app_context():
        services().store.init_schema()
    portfolio_factory(before).project("Harbour Loft", "interiors")
    assert [before.test_client().get("/work/interiors").headers["X-Cache"] for _ in range(2)] == [
        "MISS",
        "HIT",
    ]

    override = tmp_path / "i" / "templates" / "public" / "category.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "public/layout.html" %}{% block main %}<p>New look</p>{% endblock %}')
    after = create_app(config)
    assert page_cache(after).release != page_cache(before).release
    first = after.test_client().get("/work/interiors")
    assert first.headers["X-Cache"] == "MISS" and "New look" in first.get_data(as_text=True)
    assert after.test_client().get("/work/interiors").headers["X-Cache"] == "HIT"
    assert before.test_client().get("/work/interiors").headers["X-Cache"] == "HIT"  # still its own
