"""Styled error pages for visitors; JSON errors under /api/ (one shape for every API error)."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from ..bodies import too_large_message
from ..http_errors import asks_for_json, json_error
from ..meta import Meta
from ..plugin_loader import registry
from ..templating import site_settings_or_default

TITLES = {
    400: "That request could not be handled",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    413: "That request is too large",
    429: "Too many requests",
    500: "Something went wrong",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or asks_for_json()


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        # A body over its endpoint's limit, refused at once or while it streamed: say which limit.
        description = too_large_message() if code == 413 else error.description
        if wants_json():
            name = "too_large" if code == 413 else (error.name or "error").lower().replace(" ", "_")
            return json_error(name, description, code)
        if code == 404 and request.method in ("GET", "HEAD"):
            answer = registry(app).answer_not_found(app, request.path)
            if answer is not None:
                return answer
        if code >= 500:
            return _page(500), code
        if code in TITLES:
            return _page(code, description), code
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error("internal_error", "Something went wrong on our side; it has been logged.", 500)
        return _page(500), 500


def _page(code: int, message: str = "") -> str:
    """Error pages must render even when the store is down: no canonical URL (noindex) and the
    settings fall back to defaults."""
    settings = site_settings_or_default()
    meta = Meta(f"{TITLES[code]} | {settings.business_name}", TITLES[code], canonical="")
    template = f"errors/{code}.html" if code in (404, 500) else "errors/error.html"
    return render_template(template, meta=meta, code=code, title=TITLES[code], message=message)
