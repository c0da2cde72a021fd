"""Who is signed in: Flask-Login over the admin users, with server-side session records.

The session cookie holds `<admin id>:<session id>`; the session id must exist in the records
store, so signing out (or an operator deleting the record) ends the session everywhere, even for a
copied cookie. A session record also carries the admin's `session_version` when it started (a
password change or `sgoodie sign-out-everyone` bumps it, ending every older session) and the
client it started for: a cookie replayed from another address or browser is refused.

Sign-in throttling counts each attempt before the password is checked, atomically, per account,
per account and address, and per address; a success takes its counts back. An attack on the
account from elsewhere does not lock the admin out: an address that has not failed on the account
may still sign in with the right password (up to a ceiling of failures on the account, beyond
which only addresses the admin has signed in from before may). Failures are logged for the
dashboard.

Anonymous requests to protected views: pages redirect to the sign-in with a safe `next`; JSON
endpoints answer 401.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from .accounts import end_sessions, verify_password
from .domain import AdminUser, utcnow
from .http_errors import asks_for_json, json_error
from .ratelimit import Window
from .services import services

log = logging.getLogger("sgoodie.auth")

SESSIONS = "admin-sessions"
SESSION_SECONDS = 14 * 24 * 3600

# Sign-in throttling (see the module's docstring). Counts are of attempts; a success takes back its own.
ACCOUNT_FAILURES = Window("login-failures-account", limit=5, seconds=15 * 60)  # per account
PAIR_FAILURES = Window("login-failures-pair", limit=5, seconds=15 * 60)  # per account and address
ADDRESS_FAILURES = Window("login-failures-address", limit=20, seconds=15 * 60)  # per address, any account
# Failures on one account in a window after which only addresses the admin signed in from before
# may try: bounds guessing spread over many addresses, one try each.
ACCOUNT_CEILING = 100
KNOWN_ADDRESSES = "sign-in-known-addresses"  # email + address -> last successful sign-in
KNOWN_SECONDS = 90 * 24 * 3600
FAILED_SIGN_INS = "sign-in-failures"  # one record per wrong password, for the dashboard
FAILURE_LOG_SECONDS = 7 * 24 * 3600
SLOW_AFTER = 2  # failures from an address before each further one from it is slowed down
MAX_DELAY_SECONDS = 3.0

login_manager = LoginManager()


class SignedInAdmin(UserMixin):
    def __init__(self, admin: AdminUser, session_id: str):
        self.admin = admin
        self.session_id = session_id

    def get_id(self) -> str:
        return f"{self.admin.id}:{self.session_id}"

    @property
    def email(self) -> str:
        return self.admin.email


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" protection turns into "basic" (the session just stops being fresh)
    # for permanent sessions, which ours are, and fingerprints the client by the X-Forwarded-For
    # header the client itself sends. `_load_user` holds each session to the browser it started
    # in instead (not its address: see `_browser`).
    login_manager.session_protection = None
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(unauthorized)


# Why a session cookie no longer signs anyone in, told on the sign-in page (`unauthorized`).
ENDED = (
    "Your session had ended (it expired, you signed out, or everyone was signed out after a password "
    "reset), so please sign in again."
)
OTHER_BROWSER = (
    "You were signed out because this browser now identifies itself differently from when you "
    "signed in (a browser update does this). Please sign in again."
)
SIGNED_OUT_EVERYWHERE = (
    "You were signed out because the password was changed or everyone was signed out "
    "(`sgoodie create-admin` or `sgoodie sign-out-everyone`). Please sign in again."
)


def _load_user(user_id: str) -> SignedInAdmin | None:
    admin_id, _, session_id = user_id.partition(":")
    if not session_id:
        return None
    record = services().store.records.get(SESSIONS, session_id)
    if record is None or record.get("admin_id") != admin_id:
        return _refused(ENDED)
    if record.get("agent") != _browser():
        log.warning("session %s… presented by another browser: refused", session_id[:6])
        return _refused(OTHER_BROWSER)
    admin = services().store.get_admin(admin_id)
    if admin is None or int(record.get("session_version", 0)) != admin.session_version:
        return _refused(SIGNED_OUT_EVERYWHERE)
    return SignedInAdmin(admin, session_id)


def _refused(reason: str) -> None:
    g.signed_out_because = reason
    return None


def _browser() -> str:
    """What a session is held to: the browser that signed in (its User-Agent). Not its address: a
    photographer's phone moves between Wi-Fi and mobile data all day, and signing them out each
    time would teach them to stay signed in everywhere instead. The address is recorded for the
    dashboard."""
    return (request.user_agent.string or "")[:200]


def address_key(address: str) -> str:
    """An address for throttling: IPv6 by its /64 (one host is usually given a whole /64, so its
    single addresses cost nothing to rotate), IPv4 as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def unauthorized():
    if wants_json():
        return json_error("unauthorized", "Sign in as an admin to use this endpoint.", 401)
    if "signed_out_because" in g:
        flash(g.signed_out_because, "info")
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json or asks_for_json()


def require_admin() -> Any:
    """A signed-in admin, or the answer for a visitor who is not one (sign-in page or JSON 401)."""
    if not current_user.is_authenticated:
        return unauthorized()
    return None


def admins_only(blueprint: Blueprint, *, open_endpoints: Iterable[str] = ()) -> None:
    """Every view of the blueprint needs a signed-in admin except the endpoints named open, so a
    route added later is protected without anyone remembering to."""
    open_set = frozenset(open_endpoints)

    @blueprint.before_request
    def guard() -> Any:
        return None if request.endpoint in open_set else require_admin()


def private_response(response: Any) -> Any:
    """An `after_request` hook for admin pages: never cached anywhere, never indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    return response


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for single views (plugins use it for their admin pages)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return require_admin() or view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None, default: str) -> str:
    """Only paths on this site: no scheme, no host, no protocol-relative `//` or `/\\` tricks."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or "\\" in target
    ):
        return default
    return target


class SignInRefused(Exception):
    def __init__(self, message: str, locked: bool = False):
        self.locked = locked
        super().__init__(message)


def sign_in(email: str, password: str) -> SignedInAdmin:
    """Check the credentials (with throttling) and start a session; raises SignInRefused."""
    email = email.strip().lower()
    address = request.remote_addr or ""
    where = address_key(address)
    account_key, pair_key, address_only = f"email:{email}", f"email:{email}#ip:{where}", f"ip:{where}"
    # Count this attempt before the slow password check, atomically: concurrent guesses each get
    # their own number, and only those within the limits are checked.
    from_address = ADDRESS_FAILURES.hit(address_only)
    from_pair = PAIR_FAILURES.hit(pair_key)
    on_account = ACCOUNT_FAILURES.hit(account_key)
    paused = None
    if from_address > ADDRESS_FAILURES.limit:
        paused = (ADDRESS_FAILURES, address_only)
    elif from_pair > PAIR_FAILURES.limit:
        paused = (PAIR_FAILURES, pair_key)
    elif (
        on_account > ACCOUNT_CEILING or (on_account > ACCOUNT_FAILURES.limit and from_pair > 1)
    ) and services().store.records.get(KNOWN_ADDRESSES, pair_key) is None:
        # The account is under attack: addresses that have tried it already (or, past the
        # ceiling, every address) wait, except those the admin has signed in from before.
        paused = (ACCOUNT_FAILURES, account_key)
    if paused is not None:
        window, key = paused
        minutes = max(1, round(window.seconds_left(key) / 60))
        raise SignInRefused(
            f"Too many failed sign-ins. For your security, sign-in is paused for about {minutes} minute{'s' if minutes != 1 else ''}.",
            locked=True,
        )

    admin = services().store.admin_by_email(email)
    if not verify_password(admin, password):
        _log_failure(email, address)
        if from_address > SLOW_AFTER:  # each extra failure costs the guesser more time
            time.sleep(min(MAX_DELAY_SECONDS, 0.5 * 2 ** (from_address - SLOW_AFTER - 1)))
        remaining = min(PAIR_FAILURES.limit - from_pair, ADDRESS_FAILURES.limit - from_address)
        if on_account >= ACCOUNT_FAILURES.limit:
            remaining = 0  # the account's limit is reached: the next try from here is paused
        hint = (
            f" {remaining} attempt{'s' if remaining != 1 else ''} left before sign-in is paused."
            if 0 < remaining <= 2
            else ""
        )
        raise SignInRefused("The email or password is not right." + hint)

    ACCOUNT_FAILURES.reset(account_key)
    PAIR_FAILURES.reset(pair_key)
    ADDRESS_FAILURES.take_back(address_only)
    services().store.records.put(
        KNOWN_ADDRESSES, pair_key, {"at": utcnow()}, expires_at=int(time.time()) + KNOWN_SECONDS
    )
    session.clear()  # nothing from before sign-in carries over (fixation)
    user = _start_session(admin)
    with contextlib.suppress(Exception):  # a concurrent change to the account must not block signing in
        services().store.update_admin(replace(admin, last_login_at=utcnow()))
    return user


def _start_session(admin: AdminUser) -> SignedInAdmin:
    session_id = secrets.token_urlsafe(32)
    services().store.records.put(
        SESSIONS,
        session_id,
        {
            "admin_id": admin.id,
            "session_version": admin.session_version,
            "started": utcnow(),
            "address": request.remote_addr or "",
            "agent": _browser(),
        },
        expires_at=int(time.time()) + SESSION_SECONDS,
    )
    user = SignedInAdmin(admin, session_id)
    login_user(user, duration=None)
    session.permanent = True
    return user


def continue_session(admin: AdminUser) -> SignedInAdmin:
    """After the signed-in admin changed their password (which ended all their sessions): a new
    session for this browser, on the new session version."""
    if current_user.is_authenticated:
        services().store.records.delete(SESSIONS, current_user.session_id)
    return _start_session(admin)


def sign_out_everyone() -> tuple[int, int]:
    """End every admin session: bump each admin's session version and delete the session
    records. Returns (admins, session records deleted)."""
    admins = services().store.list_admins()
    for admin in admins:
        end_sessions(admin.id)
    records = services().store.records
    ended = records.query(SESSIONS)
    for session_id, _ in ended:
        records.delete(SESSIONS, session_id)
    return len(admins), len(ended)


def _log_failure(email: str, address: str) -> None:
    services().store.records.put(
        FAILED_SIGN_INS,
        f"{utcnow()}#{secrets.token_hex(4)}",
        {"email": email[:200], "address": address},
        expires_at=int(time.time()) + FAILURE_LOG_SECONDS,
    )


def recent_failures(limit: int = 500) -> dict[str, Any]:
    """Wrong passwords of the last days for the dashboard: how many, the last one, and per
    address how many, which accounts were tried and when last (newest first)."""
    rows = services().store.records.query(FAILED_SIGN_INS, newest_first=True, limit=limit)
    addresses: dict[str, dict[str, Any]] = {}
    for key, data in rows:
        at = key.split("#", 1)[0]
        entry = addresses.setdefault(
            data.get("address", ""),
            {"address": data.get("address", ""), "count": 0, "last": at, "emails": []},
        )
        entry["count"] += 1
        if data.get("email") and data["email"] not in entry["emails"]:
            entry["emails"].append(data["email"])
    return {
        "count": len(rows),
        "more": len(rows) >= limit,
        "last": rows[0][0].split("#", 1)[0] if rows else "",
        "addresses": list(addresses.values()),
        "days": FAILURE_LOG_SECONDS // (24 * 3600),
    }


def sign_out() -> None:
    if current_user.is_authenticated:
        services().store.records.delete(SESSIONS, current_user.session_id)
    logout_user()
    session.clear()
