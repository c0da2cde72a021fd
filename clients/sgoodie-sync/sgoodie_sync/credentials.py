"""Where the token comes from: `SGOODIE_TOKEN`, else the operating system's keyring (macOS
Keychain, Windows Credential Locker, the Secret Service on Linux) when the optional `keyring`
package is installed and `sgoodie-sync login` stored one for the site."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

TOKEN_VARIABLE = "SGOODIE_TOKEN"
KEYRING_SERVICE = "sgoodie-sync"


class NoToken(Exception):
    pass


def site_key(site: str) -> str:
    """One keyring entry per site, whatever path or trailing slash was typed."""
    parts = urlsplit(site)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _keyring():
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def token_for(site: str) -> str:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return token
    keyring = _keyring()
    stored: str | None = keyring.get_password(KEYRING_SERVICE, site_key(site)) if keyring else None
    if stored:
        return stored
    hint = (
        f"run `sgoodie-sync login --site {site_key(site)}`"
        if keyring
        else "install the keyring extra (`pip install 'sgoodie-sync[keyring]'`) and run `sgoodie-sync login`"
    )
    raise NoToken(
        f"No token for {site_key(site)}: set {TOKEN_VARIABLE} to a token made in the site's admin "
        f"(Account → Tokens), or {hint}."
    )


def store_token(site: str, token: str) -> None:
    keyring = _keyring()
    if keyring is None:
        raise NoToken(
            "The keyring package is not installed: `pip install 'sgoodie-sync[keyring]'`, "
            f"or set {TOKEN_VARIABLE} instead."
        )
    keyring.set_password(KEYRING_SERVICE, site_key(site), token)


def forget_token(site: str) -> bool:
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.delete_password(KEYRING_SERVICE, site_key(site))
    except keyring.errors.PasswordDeleteError:
        return False
    return True
