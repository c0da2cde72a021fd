"""Security headers on every response: a Content Security Policy that allows only our own
scripts, no framing, no MIME sniffing, a strict referrer policy."""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response, current_app, request
from flask_wtf.csrf import CSRFProtect

#: CSRF protection for every state-changing request, forms (hidden field) and JSON
#: (`X-CSRFToken` header) alike. Endpoints authenticated by their own signature opt out with
#: `csrf.exempt`.
csrf = CSRFProtect()

# The one inline script: marks <html> as JS-capable before first paint, so the phone menu does
# not jump. Allowed by its hash, nothing else inline runs.
JS_FLAG_SCRIPT = 'document.documentElement.classList.add("js")'
JS_FLAG_HASH = "sha256-" + base64.b64encode(hashlib.sha256(JS_FLAG_SCRIPT.encode()).digest()).decode()


def content_security_policy(app: Flask) -> str:
    media = app.config.get("MEDIA_BASE_URL") or ""
    upload_origins = " ".join(app.config.get("UPLOAD_ORIGINS", ()))
    directives = {
        "default-src": "'self'",
        "img-src": f"'self' data: blob: {media}".strip(),
        "script-src": f"'self' '{JS_FLAG_HASH}'",
        # Inline style attributes carry each photo's placeholder colour.
        "style-src": "'self' 'unsafe-inline'",
        "font-src": "'self'",
        "connect-src": f"'self' {upload_origins}".strip(),
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.jinja_env.globals["js_flag_script"] = JS_FLAG_SCRIPT

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(app))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        if not app.config.get("DEV_MODE") and not app.testing:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def cookies_secure() -> bool:
    """Outside local development every cookie is Secure, whatever the request says: behind a proxy
    the app does not trust (or one that drops X-Forwarded-Proto) an https visit looks like http,
    and a cookie without the flag would then also travel over plain http."""
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def set_private_cookie(response: Response, name: str, value: str, max_age: int) -> Response:
    """A cookie only this site's pages send back: HttpOnly, SameSite=Lax, Secure (above)."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax", secure=cookies_secure())
    return response
