"""Access tokens on both backends: made with a secret shown once and kept as its SHA-256 only,
refused at once when revoked or expired, last use written at most once a minute, never carried
by an export."""

from __future__ import annotations

import hashlib
import json
import tarfile
import time

import pytest

from sgoodie import tokens
from sgoodie.domain import ValidationError
from sgoodie.services import services


def test_a_token_is_kept_hashed_and_authenticates_with_its_secret(backend_app):
    with backend_app.app_context():
        token, secret = tokens.create("Studio iMac", ["publish", "read"], 30, created_by="me@example.com")
        assert secret.startswith("sgt_") and len(secret) > 60
        stored = services().store.records.get(tokens.TOKENS, token.id)
        assert secret not in json.dumps(stored)  # nothing of the secret beyond its id prefix
        assert stored["hash"] == hashlib.sha256(secret.encode()).hexdigest()
        assert stored["scopes"] == ["read", "publish"] and stored["created_by"] == "me@example.com"
        assert tokens.authenticate(secret).id == token.id
        with pytest.raises(tokens.TokenRefused) as refused:
            tokens.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B"))
        assert refused.value.code == "invalid_token"
        with pytest.raises(tokens.TokenRefused):
            tokens.authenticate("sgt_nonsense")


def test_a_revoked_token_is_refused_at_once_and_says_so(backend_app):
    with backend_app.app_context():
        token, secret = tokens.create("Laptop", ["read"], 0)
        tokens.authenticate(secret)
        tokens.revoke(token.id)
        with pytest.raises(tokens.TokenRefused) as refused:
            tokens.authenticate(secret)
        assert refused.value.code == "revoked_token" and "Laptop" in str(refused.value)
        assert [t.state for t in tokens.list_tokens()] == ["revoked"]


def test_an_expired_token_is_refused(backend_app):
    with backend_app.app_context():
        token, secret = tokens.create("Old", ["read"], 30)
        record = services().store.records.get(tokens.TOKENS, token.id)
        services().store.records.put(
            tokens.TOKENS, token.id, {**record, "expires_at": "2020-01-01T00:00:00.000Z"}
        )
        with pytest.raises(tokens.TokenRefused) as refused:
            tokens.authenticate(secret)
        assert refused.value.code == "expired_token" and "2020-01-01" in str(refused.value)


def test_bad_requests_for_a_token_say_what_to_fix(backend_app):
    with backend_app.app_context():
        with pytest.raises(ValidationError) as refused:
            tokens.create(" ", ["write"], 7)
        assert set(refused.value.errors) == {"name", "scopes", "expires"}
        assert tokens.list_tokens() == []


def test_last_use_is_written_at_most_once_a_minute(backend_app, monkeypatch):
    with backend_app.app_context():
        token, _ = tokens.create("Sync", ["read"], 0)
        writes = []
        records = services().store.records
        real_put = records.put
        monkeypatch.setattr(
            records, "put", lambda c, k, d, **kw: (writes.append(c), real_put(c, k, d, **kw))[1]
        )
        clock = [1000.0]
        monkeypatch.setattr(tokens.time, "monotonic", lambda: clock[0])
        for _ in range(5):
            tokens.record_use(token)
        assert writes == [tokens.USES]
        first = tokens.list_tokens()[0].last_used_at
        assert first
        clock[0] += 61
        time.sleep(0.01)
        tokens.record_use(token)
        assert writes == [tokens.USES, tokens.USES] and tokens.list_tokens()[0].last_used_at > first


def test_an_export_carries_no_token(app, runner, tmp_path):
    with app.app_context():
        tokens.create("Studio", ["read"], 0)
    archive = tmp_path / "site.tar"
    result = runner.invoke(["export", str(archive), "--no-files"])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        text = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()).decode(
            "utf-8", "replace"
        )
    assert tokens.TOKENS not in text and "Studio" not in text
