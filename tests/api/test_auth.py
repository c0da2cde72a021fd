"""Who may call /api/v1: every operation of its OpenAPI document, one by one, refuses a request
without a token (401) and a token without the operation's scope (403), and lets one with it
through; revoked and expired tokens are refused at once; a signed-in admin's session cookie
alone opens nothing; token requests need no CSRF token; each token has its rate."""

from __future__ import annotations

import re

import pytest

from sgoodie import tokens
from sgoodie.services import services


def _operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation["security"]:
                yield method.upper(), path, operation["security"][0]["token"][0]


def _call(client, method, path, headers):
    url = re.sub(r"{[^}]+}", "no-such-id", path)
    return client.open(
        url, method=method, headers=headers, json={} if method in ("POST", "PUT", "PATCH") else None
    )


def test_every_operation_asks_for_a_token_with_its_scope(app, client, bearer):
    operations = list(_operations(client))
    assert len(operations) >= 10
    assert {scope for *_, scope in operations} == set(tokens.SCOPES)  # the galleries scope: proofing's
    with_scope = {scope: bearer(app, scope) for scope in tokens.SCOPES}
    for method, path, scope in operations:
        missing = _call(client, method, path, {})
        assert missing.status_code == 401, (method, path)
        assert missing.get_json()["error"]["code"] == "unauthorized"
        others = [s for s in tokens.SCOPES if s != scope]
        wrong = _call(client, method, path, bearer(app, *others))
        assert wrong.status_code == 403, (method, path)
        assert f"`{scope}`" in wrong.get_json()["error"]["message"]
        allowed = _call(client, method, path, with_scope[scope])
        assert allowed.status_code not in (401, 403), (method, path, allowed.get_json())
        assert allowed.status_code < 500
        assert allowed.headers["Cache-Control"] == "private, no-store"


def test_the_document_needs_no_token_and_names_every_v1_route(app, client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.get_json()["openapi"].startswith("3.1")
    documented = {
        (method.upper(), path)
        for path, operations in document.get_json()["paths"].items()
        for method in operations
    }
    served = {
        (method, re.sub(r"<([^>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == documented


@pytest.mark.parametrize(
    "header", ["", "Basic abc", "Bearer ", "Bearer sgt_0123456789abcdef_" + "x" * 43, "token"]
)
def test_a_missing_or_invalid_token_is_a_401_with_the_error_shape(client, header):
    answer = client.get("/api/v1/projects", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert set(answer.get_json()["error"]) == {"code", "message"}


def test_a_revoked_token_is_refused_from_the_next_request(app, client, bearer, admin):
    headers = bearer(app, "read")
    assert client.get("/api/v1/projects", headers=headers).status_code == 200
    with app.app_context():
        token_id = tokens.list_tokens()[0].id
    admin.post(f"/admin/account/tokens/{token_id}/revoke")
    refused = client.get("/api/v1/projects", headers=headers)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "revoked_token"


def test_an_expired_token_is_refused(app, client, bearer):
    headers = bearer(app, "read", days=30)
    with app.app_context():
        token = tokens.list_tokens()[0]
        record = services().store.records.get(tokens.TOKENS, token.id)
        services().store.records.put(
            tokens.TOKENS, token.id, {**record, "expires_at": "2021-05-01T00:00:00.000Z"}
        )
    refused = client.get("/api/v1/projects", headers=headers)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "expired_token"


def test_a_signed_in_session_alone_opens_nothing(admin):
    answer = admin.client.get("/api/v1/projects")
    assert answer.status_code == 401
    created = admin.client.post(
        "/api/v1/projects",
        json={"title": "Sneaky", "category": "travel"},
        headers={"X-CSRFToken": admin.csrf_token("/admin/")},
    )
    assert created.status_code == 401


def test_token_requests_need_no_csrf_token_and_are_logged_as_the_token(app, client, bearer):
    created = client.post(
        "/api/v1/projects", json={"title": "From the desk", "category": "travel"}, headers=bearer(app)
    )
    assert created.status_code == 201
    with app.app_context():
        from sgoodie.content import activity

        assert activity.recent()[0]["who"] == "API token “Test client”"


def test_each_token_has_its_own_rate(app, client, bearer):
    app.config["API_RATE"] = 3
    first, second = bearer(app, "read"), bearer(app, "read")
    assert [client.get("/api/v1/categories", headers=first).status_code for _ in range(3)] == [200] * 3
    limited = client.get("/api/v1/categories", headers=first)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/categories", headers=second).status_code == 200


def test_last_use_is_recorded(app, client, bearer):
    headers = bearer(app, "read")
    with app.app_context():
        assert tokens.list_tokens()[0].last_used_at == ""
    client.get("/api/v1/categories", headers=headers)
    with app.app_context():
        assert tokens.list_tokens()[0].last_used_at != ""
