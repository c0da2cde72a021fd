"""Every admin page and API endpoint refuses anonymous users, found by walking the URL map so a
route added later without protection fails here."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

# Reachable without signing in, on purpose.
OPEN_ENDPOINTS = {
    "admin.login",
    "admin.static",
    "media_api.s3_events",
    "media_api.openapi",
    "api_v1.openapi",  # the /api/v1 description; every endpoint in it asks for a token
    "media_api.upload_target",
}
PROTECTED_PREFIXES = ("/admin", "/api/")


def _protected_rules(app):
    for rule in app.url_map.iter_rules():
        if (
            rule.rule.startswith(PROTECTED_PREFIXES)
            and rule.endpoint not in OPEN_ENDPOINTS
            and not rule.endpoint.endswith(".static")
        ):
            yield rule


def _url(rule) -> str:
    values = {name: "00000000-0000-0000-0000-000000000000" for name in rule.arguments}
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<{name}>", value)
        for converter in ("string", "path", "int"):
            url = url.replace(f"<{converter}:{name}>", "1" if converter == "int" else value)
    return url


def test_the_walk_finds_the_admin_and_api(app):
    endpoints = {rule.endpoint for rule in _protected_rules(app)}
    assert {
        "admin.dashboard",
        "admin.projects",
        "admin.edit_project",
        "admin.photos",
        "admin.edit_page",
        "admin.settings",
    } <= endpoints
    assert len(endpoints) >= 18


def test_every_protected_rule_refuses_anonymous_users(app, client, browser_like):
    token = browser_like.csrf_token()  # a valid token, so the refusal is about who, not CSRF
    checked = 0
    for rule in _protected_rules(app):
        url = _url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            as_json = rule.rule.startswith("/api/")
            headers = {"X-CSRFToken": token, "Accept": "application/json" if as_json else "text/html"}
            response = client.open(
                url,
                method=method,
                headers=headers,
                data=None if as_json else {"csrf_token": token},
                json={} if as_json else None,
            )
            if as_json:
                assert response.status_code == 401, f"{method} {rule.rule} answered {response.status_code}"
                assert response.is_json and response.get_json()["error"]
            else:
                assert response.status_code == 302, f"{method} {rule.rule} answered {response.status_code}"
                location = urlsplit(response.headers["Location"])
                assert location.path == "/admin/login", f"{method} {rule.rule} redirected to {location.path}"
            checked += 1
    assert checked >= 25


def test_json_requests_to_admin_pages_get_401(client):
    response = client.post("/admin/projects/reorder", json={}, headers={"Accept": "application/json"})
    assert response.status_code in (400, 401)  # refused: CSRF or sign-in, never processed


@pytest.mark.parametrize(
    "target, landing",
    [
        ("/admin/projects/", "/admin/projects/"),
        ("https://evil.example/steal", "/admin/"),
        ("//evil.example/steal", "/admin/"),
        ("/\\evil.example", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
        ("/about", "/about"),
    ],
)
def test_login_next_never_leaves_the_site(client, admin_user, browser_like, target, landing):
    response = browser_like.login(next=target)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
    assert urlsplit(response.headers["Location"]).path == landing


def test_login_page_carries_next_from_the_redirect(client):
    response = client.get("/admin/projects/")
    assert response.status_code == 302
    assert "next=" in response.headers["Location"]
