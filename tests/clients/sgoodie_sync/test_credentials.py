"""The token: from SGOODIE_TOKEN, else the system keyring (when the optional package is there)."""

from __future__ import annotations

import sys

import pytest

from sgoodie_sync.credentials import NoToken, site_key, token_for


def test_the_environment_gives_the_token(monkeypatch):
    monkeypatch.setenv("SGOODIE_TOKEN", " sgt_abc_123 \n")
    assert token_for("https://example.com") == "sgt_abc_123"


def test_without_one_the_message_says_where_to_make_it_and_how_to_keep_it(monkeypatch):
    monkeypatch.delenv("SGOODIE_TOKEN", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)  # the optional extra not installed
    with pytest.raises(NoToken) as refused:
        token_for("https://Example.com/admin/")
    message = str(refused.value)
    assert "https://example.com" in message and "Account → Tokens" in message
    assert "sgoodie-sync[keyring]" in message


def test_one_keyring_entry_per_site_whatever_was_typed():
    assert (
        site_key("https://Example.com/")
        == site_key("https://example.com/projects/x")
        == "https://example.com"
    )
