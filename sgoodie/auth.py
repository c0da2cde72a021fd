"""Who is signed in: Flask-Login over the admin users, with server-side session records.

The session cookie holds `<admin id>:<session id>`; the session id must exist in the records
store, so signing out (or an operator deleting the record) ends the session everywhere, even for a
copied cookie. Anonymous requests to protected views: pages redirect to the sign-in with a safe
`next`; JSON endpoints answer 401.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from .accounts import verify_password
from .domain import AdminUser, utcnow
from .http_errors import json_error
from .ratelimit import Window
from .services import services

SESSIONS = "admin-sessions"
SESSION_SECONDS = 14 * 24 * 3600

# Sign-in throttling: per account and per client address.
ACCOUNT_FAILURES = Window("login-failures-account", limit=5, seconds=15 * 60)
ADDRESS_FAILURES = Window("login-failures-address", limit=20, seconds=15 * 60)
SLOW_AFTER = 2  # failures before each further attempt is slowed down
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
    # "strong": a session whose client fingerprint changes is dropped, not silently reused.
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(unauthorized)


def _load_user(user_id: str) -> SignedInAdmin | None:
    admin_id, _, session_id = user_id.partition(":")
    if not session_id:
        return None
    record = services().store.records.get(SESSIONS, session_id)
    if record is None or record.get("admin_id") != admin_id:
        return None
    admin = services().store.get_admin(admin_id)
    return SignedInAdmin(admin, session_id) if admin else None


def unauthorized():
    if wants_json():
        return json_error("unauthorized", "Sign in as an admin to use this endpoint.", 401)
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))


def wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


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
    account_key, address_key = f"email:{email}", f"ip:{request.remote_addr or 'unknown'}"
    for window, key in ((ACCOUNT_FAILURES, account_key), (ADDRESS_FAILURES, address_key)):
        if window.exceeded(key):
            minutes = max(1, round(window.seconds_left(key) / 60))
            raise SignInRefused(
                f"Too many failed sign-ins. For your security, sign-in is paused for about {minutes} minute{'s' if minutes != 1 else ''}.",
                locked=True,
            )

    admin = services().store.admin_by_email(email)
    if not verify_password(admin, password):
        failures = ACCOUNT_FAILURES.hit(account_key)
        ADDRESS_FAILURES.hit(address_key)
        if failures > SLOW_AFTER:  # each extra failure costs the guesser more time
            time.sleep(min(MAX_DELAY_SECONDS, 0.5 * 2 ** (failures - SLOW_AFTER - 1)))
        remaining = ACCOUNT_FAILURES.limit - failures
        hint = (
            f" {remaining} attempt{'s' if remaining != 1 else ''} left before sign-in is paused."
            if 0 < remaining <= 2
            else ""
        )
        raise SignInRefused("The email or password is not right." + hint)

    ACCOUNT_FAILURES.reset(account_key)
    session.clear()  # nothing from before sign-in carries over (fixation)
    session_id = secrets.token_urlsafe(32)
    services().store.records.put(
        SESSIONS,
        session_id,
        {
            "admin_id": admin.id,
            "started": utcnow(),
            "address": request.remote_addr or "",
            "agent": (request.user_agent.string or "")[:200],
        },
        expires_at=int(time.time()) + SESSION_SECONDS,
    )
    user = SignedInAdmin(admin, session_id)
    login_user(user, duration=None)
    session.permanent = True
    with contextlib.suppress(Exception):  # a concurrent change to the account must not block signing in
        services().store.update_admin(replace(admin, last_login_at=utcnow()))
    return user


def sign_out() -> None:
    if current_user.is_authenticated:
        services().store.records.delete(SESSIONS, current_user.session_id)
    logout_user()
    session.clear()
