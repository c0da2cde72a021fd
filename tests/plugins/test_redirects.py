"""The redirects plugin: exact and prefix rules answered before the 404 page, loops refused,
hits counted, reserved paths protected, real pages never shadowed."""

from __future__ import annotations

import re

import pytest


def _add(admin, source, target, kind="exact", permanent=True):
    data = {"source": source, "target": target, "kind": kind}
    if permanent:
        data["permanent"] = "y"
    return admin.post("/admin/redirects/", data)


def test_exact_and_prefix_rules_redirect_and_count_hits(app, client, admin, portfolio):
    portfolio.project("Harbour Loft", "interiors")
    assert _add(admin, "/portfolio/harbour", "/projects/harbour-loft").status_code == 302
    assert (
        _add(admin, "/blog/", "https://journal.example.com/", kind="prefix", permanent=False).status_code
        == 302
    )

    exact = client.get("/portfolio/harbour")
    assert exact.status_code == 301 and exact.headers["Location"] == "/projects/harbour-loft"
    prefix = client.get("/blog/2019/kitchens?ref=old")
    assert (
        prefix.status_code == 302
        and prefix.headers["Location"] == "https://journal.example.com/2019/kitchens?ref=old"
    )
    client.get("/portfolio/harbour")
    assert client.get("/nothing-here").status_code == 404

    page = admin.client.get("/admin/redirects/").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td><code>([^<]+)</code></td>.*?<td class=\"num\">(\d+)</td>", page, re.S)
    assert dict(rows) == {"/portfolio/harbour": "2", "/blog/…": "1"}


def test_a_real_page_is_never_shadowed(app, client, admin, portfolio):
    portfolio.project("Harbour Loft", "interiors")
    _add(admin, "/projects/", "/work/travel", kind="prefix")
    assert client.get("/projects/harbour-loft").status_code == 200  # the page exists: no redirect
    assert client.get("/projects/gone-project").status_code == 301  # only what would be a 404


@pytest.mark.parametrize(
    "source, target, field, words",
    [
        ("/loop-a", "/loop-a", "target", "loop"),
        ("old", "/new", "source", "starting with /"),
        ("/admin/x", "/new", "source", "cannot be redirected"),
        ("/", "/new", "source", "cannot be redirected"),
        ("/old", "javascript:alert(1)", "target", "full http(s)"),
        ("/old", "//evil.example", "target", "full http(s)"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(admin, source, target, field, words):
    response = _add(admin, source, target)
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)


def test_loops_through_other_rules_are_refused(client, admin):
    assert _add(admin, "/a", "/b").status_code == 302
    assert _add(admin, "/b", "/c").status_code == 302
    refused = _add(admin, "/c", "/a")
    assert refused.status_code == 422 and "/c → /a → /b → /c" in refused.get_data(as_text=True)
    assert _add(admin, "/old/", "/old/new/", kind="prefix").status_code == 422  # a prefix rule feeding itself
    assert client.get("/c").status_code == 404


def test_removing_a_rule(client, admin):
    _add(admin, "/gone", "/about")
    assert client.get("/gone").status_code == 301
    assert admin.post("/admin/redirects/delete", {"key": "exact:/gone"}).status_code == 302
    assert client.get("/gone").status_code == 404


def test_renamed_projects_keep_their_old_address(app, client, admin, portfolio):
    project = portfolio.project("Harbour Loft", "interiors")
    token = admin.csrf_token(f"/admin/projects/{project.id}")
    html = admin.client.get(f"/admin/projects/{project.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    admin.client.post(
        f"/admin/projects/{project.id}",
        data={
            "csrf_token": token,
            "version": version,
            "title": "Harbour Loft",
            "slug": "harbour-loft-bath",
            "category": "interiors",
            "description": "x",
            "published": "y",
        },
    )
    old = client.get("/projects/harbour-loft")
    assert old.status_code == 301 and old.headers["Location"].endswith("/projects/harbour-loft-bath")
