"""Categories in the admin: create, rename (the old address redirects), reorder, hide, delete
(refused while the category has projects)."""

from __future__ import annotations

import re

from sgoodie.services import services


def _listed(client) -> list[str]:
    html = client.get("/admin/categories/").get_data(as_text=True)
    return re.findall(r'id="category-([a-z0-9-]+)"', html)


def _nav(client) -> list[str]:
    html = client.get("/about").get_data(as_text=True)
    start = html.index('class="site-nav')
    return re.findall(r'href="/work/([a-z0-9-]+)"', html[start : html.index("</nav>", start)])


def test_the_menu_leads_to_the_categories(client, admin):
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/categories/"' in html
    assert _listed(client) == ["interiors", "travel", "brand-marketing"]
    listing = client.get("/admin/categories/").get_data(as_text=True)
    # Each row has a visible Edit action, not only its name as a link.
    assert (
        '<a class="button button--small" href="/admin/categories/travel" '
        'aria-label="Edit Travel: rename, hide or delete">Edit</a>' in listing
    )


def test_create_a_category_and_file_a_project_in_it(app, client, admin, portfolio):
    response = admin.post("/admin/categories/", {"name": "Weddings", "slug": ""})
    assert response.status_code == 302
    assert _listed(client)[-1] == "weddings" and _nav(client)[-1] == "weddings"
    project = portfolio.project("Vineyard Wedding", "weddings")
    assert "Vineyard Wedding" in client.get("/work/weddings").get_data(as_text=True)
    assert "Weddings" in client.get(f"/admin/projects/{project.id}").get_data(as_text=True)
    assert "Weddings" in client.get("/admin/projects/?category=weddings").get_data(as_text=True)
    # An address in use is refused with the reason, and what was typed stays.
    again = admin.post("/admin/categories/", {"name": "Second weddings", "slug": "weddings"})
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert "already used by another category" in html and "Second weddings" in html
    assert admin.post("/admin/categories/", {"name": "Bad", "slug": "Not A Slug"}).status_code == 400


def test_rename_moves_projects_and_redirects_the_old_address(app, client, admin, portfolio):
    loft = portfolio.project("Harbour Loft", "interiors")
    response = admin.post(
        "/admin/categories/interiors", {"name": "Architecture", "slug": "architecture"}, follow_redirects=True
    )
    assert response.status_code == 200 and "/work/interiors now redirects to /work/architecture" in (
        response.get_data(as_text=True)
    )
    old = client.get("/work/interiors")
    assert old.status_code == 301 and old.headers["Location"].endswith("/work/architecture")
    assert "Harbour Loft" in client.get("/work/architecture").get_data(as_text=True)
    with app.app_context():
        assert services().store.get_project(loft.id).category == "architecture"
        assert services().store.projects_in_category("interiors") == []
    assert _listed(client)[0] == "architecture"
    assert client.get("/admin/categories/interiors").status_code == 404


def test_reorder_with_the_arrows(client, admin):
    admin.post("/admin/categories/brand-marketing/move", {"step": "-1"})
    assert _listed(client) == ["interiors", "brand-marketing", "travel"]
    admin.post("/admin/categories/interiors/move", {"step": "1"})
    assert _listed(client) == ["brand-marketing", "interiors", "travel"]
    assert _nav(client)[:3] == ["brand-marketing", "interiors", "travel"]


def test_hide_and_show_again(client, admin, portfolio):
    kotor = portfolio.project("Bay of Kotor", "travel")
    admin.post("/admin/categories/travel", {"name": "Travel", "slug": "travel", "hidden": "y"})
    assert "travel" not in _nav(client)
    assert client.get("/work/travel").status_code == 404
    assert client.get(f"/projects/{kotor.slug}").status_code == 404
    assert "Hidden" in client.get("/admin/categories/").get_data(as_text=True)
    assert "Bay of Kotor" in client.get("/admin/projects/?category=travel").get_data(as_text=True)
    admin.post("/admin/categories/travel", {"name": "Travel", "slug": "travel"})
    assert "travel" in _nav(client) and client.get("/work/travel").status_code == 200


def test_delete_is_refused_while_the_category_has_projects(app, client, admin, portfolio):
    portfolio.project("Bay of Kotor", "travel")
    refused = admin.post("/admin/categories/travel/delete")
    assert refused.status_code == 409
    assert "still has 1 project: move them to another category or delete them first" in refused.get_data(
        as_text=True
    )
    assert "travel" in _listed(client)
    deleted = admin.post("/admin/categories/brand-marketing/delete")
    assert deleted.status_code == 302
    assert "brand-marketing" not in _listed(client) and "brand-marketing" not in _nav(client)
    assert client.get("/work/brand-marketing").status_code == 404


def test_with_every_category_deleted_the_projects_page_asks_for_one(client, admin):
    for slug in ("interiors", "travel", "brand-marketing"):
        assert admin.post(f"/admin/categories/{slug}/delete").status_code == 302
    assert _listed(client) == []
    response = client.get("/admin/projects/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/categories/")
    assert client.get("/admin/projects/new").status_code == 200
    assert client.get("/").status_code == 200 and client.get("/sitemap.xml").status_code == 200
