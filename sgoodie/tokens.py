"""Personal access tokens: how a program on the photographer's own computer (the sync client, a
Lightroom publish service) uses `/api/v1/` without a browser session.

A token is made in the admin (Account → Tokens) with a name, its scopes and an optional expiry,
and shown once: `sgt_<id>_<secret>`. The site keeps only its SHA-256 (a token carries 256 random
bits, so a plain hash is as safe as a slow one and costs nothing per request), compared in
constant time. Revoking marks the record at once; the next request with the token is refused.

Records (the content store's records, so both backends):
- `api-tokens`: token id → name, scopes, hash, created (at, by), expiry, revoked;
- `api-token-uses`: token id → when it was last used, written at most once a minute per process
  (a separate record, so a last-use write never undoes a revoke it raced with);
- `api-token-requests`: the per-token rate window (`SGOODIE_API_RATE` a minute).

`sgoodie export` does not carry tokens (like sessions): a site moved elsewhere gets new tokens,
and an archive never holds a credential that works.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from flask import current_app, g, request

from .domain import ValidationError, utcnow
from .http_errors import json_error
from .ratelimit import Window
from .services import services

TOKENS = "api-tokens"
USES = "api-token-uses"
#: What each scope allows. `read`: list and read projects, photos and categories; `publish`:
#: create and change projects and photos; `galleries`: read client galleries' selections.
SCOPES: dict[str, str] = {
    "read": "Read projects, photos and categories",
    "publish": "Create and change projects and photos (uploads, replacements, text, order, trash)",
    "galleries": "Read client galleries and their clients' selections",
}
#: The expiry choices offered, in days (0: never).
EXPIRY_DAYS = (30, 90, 365, 0)
MAX_LIVE_TOKENS = 50
NAME_MAX = 80
USE_WRITE_SECONDS = 60  # last use is written at most this often per token and process
REVOKED_KEEP_SECONDS = 30 * 24 * 3600  # a revoked token's record answers "revoked" this long
PREFIX = "sgt_"
_TOKEN = re.compile(r"sgt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


@dataclass
class AccessToken:
    id: str
    name: str
    scopes: list[str]
    created_at: str
    created_by: str = ""
    expires_at: str = ""  # "" never
    revoked_at: str = ""
    last_used_at: str = ""
    hash: str = field(default="", repr=False)

    @property
    def expired(self) -> bool:
        return bool(self.expires_at) and self.expires_at <= utcnow()

    @property
    def state(self) -> str:
        return "revoked" if self.revoked_at else "expired" if self.expired else "active"

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scopes": self.scopes,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "expires_at": self.expires_at,
            "revoked_at": self.revoked_at,
            "hash": self.hash,
        }


def _from_record(token_id: str, data: dict[str, Any]) -> AccessToken:
    return AccessToken(
        id=token_id,
        name=str(data.get("name", "")),
        scopes=[s for s in data.get("scopes", []) if s in SCOPES],
        created_at=str(data.get("created_at", "")),
        created_by=str(data.get("created_by", "")),
        expires_at=str(data.get("expires_at", "")),
        revoked_at=str(data.get("revoked_at", "")),
        hash=str(data.get("hash", "")),
    )


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    name: str, scopes: list[str], expires_in_days: int, created_by: str = ""
) -> tuple[AccessToken, str]:
    """A new token and its secret (the only time anyone sees it). ValidationError per field."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = (
            "Give the token a name that says where it is used (e.g. “Lightroom on the studio iMac”)."
        )
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep the name under {NAME_MAX} characters."
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        errors["scopes"] = f"Choose at least one of: {', '.join(SCOPES)}."
    if expires_in_days not in EXPIRY_DAYS:
        errors["expires"] = "Choose 30, 90 or 365 days, or no expiry."
    if not errors and sum(t.state == "active" for t in list_tokens()) >= MAX_LIVE_TOKENS:
        errors["name"] = (
            f"There are {MAX_LIVE_TOKENS} active tokens already: revoke those no longer used first."
        )
    if errors:
        raise ValidationError(errors)
    token_id = secrets.token_hex(8)
    secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    expires = ""
    if expires_in_days:
        expires = (datetime.now(UTC) + timedelta(days=expires_in_days)).isoformat(timespec="milliseconds")
        expires = expires.replace("+00:00", "Z")
    token = AccessToken(
        id=token_id,
        name=name,
        scopes=[s for s in SCOPES if s in scopes],
        created_at=utcnow(),
        created_by=created_by,
        expires_at=expires,
        hash=digest(secret),
    )
    services().store.records.put(TOKENS, token_id, token.record())
    return token, secret


def list_tokens() -> list[AccessToken]:
    """Every token the site knows (active, expired, revoked within the last 30 days), newest first,
    with its last use. A site has a handful; they are capped at MAX_LIVE_TOKENS active ones."""
    records = services().store.records
    uses = {key: data.get("at", "") for key, data in records.query(USES)}
    found = [_from_record(key, data) for key, data in records.query(TOKENS)]
    for token in found:
        token.last_used_at = uses.get(token.id, "")
    return sorted(found, key=lambda t: t.created_at, reverse=True)


def get(token_id: str) -> AccessToken | None:
    data = services().store.records.get(TOKENS, token_id) if token_id else None
    return _from_record(token_id, data) if data else None


def revoke(token_id: str) -> AccessToken | None:
    """Refuse the token from its next request on. Its record stays 30 days, so a program still
    using it is told it was revoked (not that it never existed), then goes."""
    token = get(token_id)
    if token is None or token.revoked_at:
        return token
    token.revoked_at = utcnow()
    records = services().store.records
    records.put(TOKENS, token_id, token.record(), expires_at=int(time.time()) + REVOKED_KEEP_SECONDS)
    records.delete(USES, token_id)
    return token


class TokenRefused(Exception):
    def __init__(self, code: str, message: str, status: int = 401):
        self.code, self.status = code, status
        super().__init__(message)


def authenticate(presented: str) -> AccessToken:
    """The live token whose secret this is. Raises TokenRefused saying why not."""
    match = _TOKEN.fullmatch(presented)
    token = get(match.group(1)) if match else None
    if token is None or not hmac.compare_digest(token.hash, digest(presented)):
        raise TokenRefused("invalid_token", "This access token is not valid: check that it was copied whole.")
    if token.revoked_at:
        raise TokenRefused(
            "revoked_token",
            f"This access token (“{token.name}”) was revoked. Create a new one in Account → Tokens.",
        )
    if token.expired:
        raise TokenRefused(
            "expired_token",
            f"This access token (“{token.name}”) expired on {token.expires_at[:10]}. Create a new one in Account → Tokens.",
        )
    return token


def record_use(token: AccessToken) -> None:
    """Note when the token was used; at most once a minute per token and process."""
    written: dict[str, float] = current_app.extensions.setdefault("sgoodie.token_uses", {})
    now = time.monotonic()
    if now - written.get(token.id, -USE_WRITE_SECONDS) < USE_WRITE_SECONDS:
        return
    written[token.id] = now
    services().store.records.put(USES, token.id, {"at": utcnow()})


def requests_window() -> Window:
    return Window("api-token-requests", limit=services().config["API_RATE"], seconds=60)


# -- the HTTP side, shared by /api/v1 and the endpoints plugins add under it ----------------------
#: The attribute a view's required scope is kept in (the API's checks and its document read it).
SCOPE_ATTRIBUTE = "_sgoodie_token_scope"


def current_token() -> AccessToken | None:
    """The token the current request was authenticated with."""
    return g.get("api_token")


def authorize(scope: str) -> Any:
    """None when the request carries a live token with `scope` (and within its rate), else the
    JSON error to answer. Only the Authorization header counts: a session cookie never does."""
    header = request.headers.get("Authorization", "")
    kind, _, presented = header.partition(" ")
    if kind.lower() != "bearer" or not presented.strip():
        return json_error(
            "unauthorized",
            "Send an access token: `Authorization: Bearer sgt_…` (create one in the admin, Account → Tokens). "
            "A signed-in browser session does not open this API.",
            401,
        )
    try:
        token = authenticate(presented.strip())
    except TokenRefused as exc:
        return json_error(exc.code, str(exc), exc.status)
    if scope not in token.scopes:
        return json_error(
            "insufficient_scope",
            f"This token (“{token.name}”) does not have the `{scope}` scope this endpoint needs; it has "
            f"{', '.join(token.scopes)}. Create a token with `{scope}` in Account → Tokens.",
            403,
        )
    window = requests_window()
    if window.hit(token.id) > window.limit:
        return _rate_limited(window, token)
    g.api_token = token
    g.acting_as = f"API token “{token.name}”"
    record_use(token)
    return None


def charge(items: int) -> Any:
    """A batch does the work of `items` requests: it counts as that many against its token's rate
    (`authorize` counted one). None, or the 429 to answer before any of it is done."""
    token, window = current_token(), requests_window()
    if token is None or items <= 1:
        return None
    if window.hit(token.id, items - 1) > window.limit:
        return _rate_limited(window, token)
    return None


def _rate_limited(window: Window, token: AccessToken) -> Any:
    response, status = json_error(
        "rate_limited",
        f"This token made more than {window.limit} requests in a minute (a batch counts as its items); "
        "wait a little and try again.",
        429,
    )
    response.headers["Retry-After"] = str(max(1, window.seconds_left(token.id)))
    return response, status


def token_required(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the view answers only requests bearing a live token with `scope`."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; scopes are {', '.join(SCOPES)}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return authorize(scope) or view(*args, **kwargs)

        setattr(guarded, SCOPE_ATTRIBUTE, scope)
        return guarded

    return decorate
