"""Categories are content: the navigation, category pages, project pages and the sitemap follow
the stored list (created, renamed, reordered, hidden)."""

from __future__ import annotations

import re

from sgoodie import content
from sgoodie.services import services


def _nav(client) -> list[str]:
    html = client.get("/about").get_data(as_text=True)
    start = html.index('class="site-nav')
    nav = html[start : html.index("</nav>", start)]
    return re.findall(r'href="/work/([a-z0-9-]+)"', nav)


def test_a_new_category_with_a_published_project_is_in_the_navigation_and_sitemap(
    app, client, portfolio, whole_sitemap
):
    with app.test_request_context():
        content.categories.create("Weddings")
    project = portfolio.project("Vineyard Wedding", "weddings")
    assert "weddings" in _nav(client)
    page = client.get("/work/weddings")
    assert page.status_code == 200 and "Vineyard Wedding" in page.get_data(as_text=True)
    sitemap = whole_sitemap(lambda path: client.get(path).get_data(as_text=True))
    assert "/work/weddings</loc>" in sitemap and f"/projects/{project.slug}</loc>" in sitemap
    assert client.get(f"/projects/{project.slug}").status_code == 200


def test_the_navigation_follows_the_stored_order(app, client):
    assert _nav(client)[:3] == ["interiors", "travel", "brand-marketing"]
    with app.test_request_context():
        content.categories.move("brand-marketing", -1)
        content.categories.move("interiors", +1)
    assert _nav(client)[:3] == ["brand-marketing", "interiors", "travel"]


def test_a_hidden_category_disappears_for_visitors_but_keeps_its_projects(
    app, client, portfolio, whole_sitemap
):
    loft = portfolio.project("Harbour Loft", "interiors", featured=True)
    with app.test_request_context():
        content.categories.update("interiors", name="Interiors", new_slug="interiors", hidden=True)
    assert "interiors" not in _nav(client)
    assert client.get("/work/interiors").status_code == 404
    assert client.get(f"/projects/{loft.slug}").status_code == 404
    assert "Harbour Loft" not in client.get("/").get_data(as_text=True)
    sitemap = whole_sitemap(lambda path: client.get(path).get_data(as_text=True))
    assert client.get("/sitemap-interiors-0.xml").status_code == 404
    assert "/work/interiors<" not in sitemap and loft.slug not in sitemap
    assert app.extensions["sgoodie.services"].store.get_project(loft.id).category == "interiors"
    with app.test_request_context():
        content.categories.update("interiors", name="Interiors", new_slug="interiors", hidden=False)
    assert client.get(f"/projects/{loft.slug}").status_code == 200


def test_a_renamed_category_redirects_its_old_address_and_takes_its_projects(app, client, portfolio):
    loft = portfolio.project("Harbour Loft", "interiors")
    with app.test_request_context():
        page = services().store.get_pages(["work-interiors"])["work-interiors"]
        page.content.update(heading="Rooms", intro="Rooms with light.")
        content.pages.save(page)
        content.categories.update("interiors", name="Architecture", new_slug="architecture", hidden=False)
    moved = client.get("/work/interiors")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/work/architecture")
    page = client.get("/work/architecture").get_data(as_text=True)
    assert "Harbour Loft" in page and "Rooms with light." in page
    assert "architecture" in _nav(client) and "interiors" not in _nav(client)
    assert "Architecture" in client.get(f"/projects/{loft.slug}").get_data(as_text=True)
    with app.test_request_context():  # renamed again: the first address follows
        content.categories.update("architecture", name="Spaces", new_slug="spaces", hidden=False)
    assert client.get("/work/interiors").headers["Location"].endswith("/work/spaces")
    assert client.get("/work/architecture").headers["Location"].endswith("/work/spaces")
