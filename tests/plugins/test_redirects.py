"""The redirects plugin: exact and prefix rules answered before the 404 page, loops refused,
hits counted, reserved paths protected, real pages never shadowed."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest

from sgoodie.plugins.redirects.rules import storage


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


def _where_a_browser_goes(location: str, base: str = "http://localhost/old-site/x") -> str:
    """The host a browser sends the visitor to: WHATWG URL parsing drops tabs and line breaks and
    reads `\\` as `/` in http(s) URLs, so `/\\host` and `//host` both leave the site."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urlsplit(urljoin(base, cleaned)).netloc


@pytest.mark.parametrize(
    "source, target, path, expected",
    [
        ("/old-site", "/", "/old-site/evil.example", "/evil.example"),
        ("/old/", "/", "/old//evil.example", "/evil.example"),
        ("/old-site", "/", "/old-site///evil.example", "/evil.example"),
        ("/old-site", "/", "/old-site/%5Cevil.example", "/%5Cevil.example"),
        ("/old-site", "/", "/old-site/%09/evil.example", "/%09/evil.example"),
        ("/old-site", "/", "/old-site/%2F%2Fevil.example", "/evil.example"),
        ("/old-site", "/", "/old-site/about", "/about"),
        ("/blog/", "/journal/", "/blog/2019/caf%C3%A9", "/journal/2019/caf%C3%A9"),
    ],
)
def test_prefix_rules_never_send_visitors_to_another_host(client, admin, source, target, path, expected):
    assert _add(admin, source, target, kind="prefix").status_code == 302
    response = client.get(path)
    assert response.status_code == 301
    location = response.headers["Location"]
    assert location == expected
    assert not location.startswith(("//", "/\\")) and _where_a_browser_goes(location) == "localhost"


def test_rules_stored_before_targets_were_checked_cannot_send_visitors_away(app, client):
    with app.test_request_context():
        storage().put("exact:/legacy", {"source": "/legacy", "target": "/\\evil.example", "kind": "exact"})
        storage().put("prefix:/tab/", {"source": "/tab/", "target": "/\t/", "kind": "prefix"})
    for path in ("/legacy", "/tab/evil.example"):
        location = client.get(path).headers["Location"]
        assert not location.startswith(("//", "/\\")) and _where_a_browser_goes(location) == "localhost"


@pytest.mark.parametrize(
    "source, target, field, words",
    [
        ("/old", "/\\evil.example", "target", "\\"),
        ("/old", "\\\\evil.example", "target", "\\"),
        ("/old", "https://example.com\\@evil.example/", "target", "\\"),
        ("/old", "/new\r\nSet-Cookie: a=b", "target", "control characters"),
        ("/old", "/new\tpage", "target", "control characters"),
        ("/old", "/new\x00", "target", "control characters"),
        ("/old", "https://example.com/\x7f", "target", "control characters"),
        ("/old\x00", "/new", "source", "control characters"),
    ],
)
def test_targets_read_as_another_host_or_carrying_control_characters_are_refused(
    client, admin, source, target, field, words
):
    response = _add(admin, source, target)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error and words in html.unescape(error.group(1))
    assert "No redirects yet." in page


def test_a_redirect_carrying_the_visitors_query_is_never_publicly_cached(app, admin):
    """CloudFront's cache key leaves the query string out: a public 301 with one visitor's query
    would be served to every visitor of the same path."""
    _add(admin, "/blog/", "/journal/", kind="prefix")
    _add(admin, "/old-about", "/about")
    client = app.test_client()  # a visitor (the admin's responses are private anyway)
    for path, expected in (
        ("/blog/post?utm_source=mail&token=abc", "/journal/post?utm_source=mail&token=abc"),
        ("/old-about?ref=card", "/about?ref=card"),
    ):
        response = client.get(path)
        assert response.status_code == 301 and response.headers["Location"] == expected
        cache_control = response.headers["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control and "public" not in cache_control
    plain = client.get("/old-about")
    assert plain.headers["Location"] == "/about" and plain.headers["Cache-Control"] == "public, max-age=3600"


def test_loops_through_exact_and_prefix_rules_are_refused_whatever_the_order(app, client, admin):
    assert _add(admin, "/x", "/shop/x").status_code == 302
    refused = _add(admin, "/shop/", "/", kind="prefix")  # /x → /shop/x → /x
    assert refused.status_code == 422 and "/x → /shop/x → /x" in refused.get_data(as_text=True)

    assert _add(admin, "/b/z", "/a/z").status_code == 302
    refused = _add(admin, "/a/", "/b/", kind="prefix")  # /b/z → /a/z → /b/z
    assert refused.status_code == 422 and "/b/z → /a/z → /b/z" in refused.get_data(as_text=True)

    for path in ("/x", "/b/z"):  # what was saved still leads somewhere
        assert client.get(path).status_code == 301
    assert client.get("/shop/x").status_code == 404 and client.get("/a/z").status_code == 404

    # A loop stored before the whole rule set was checked blocks only rules that join it.
    with app.test_request_context():
        storage().put("exact:/p", {"source": "/p", "target": "/q/p", "kind": "exact"})
        storage().put("prefix:/q/", {"source": "/q/", "target": "/", "kind": "prefix"})
    assert _add(admin, "/unrelated", "/about").status_code == 302
    refused = _add(admin, "/q/p", "/p")  # makes the stored loop its own
    assert refused.status_code == 422 and "loop" in refused.get_data(as_text=True)
