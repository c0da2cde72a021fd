"""Styled error pages for visitors; JSON errors under /api/ (one shape for every API error)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..templating import site_settings_or_default
from .seo import Meta

TITLES = {404: "Page not found", 500: "Something went wrong"}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            return jsonify(error={"code": code, "message": error.description}), error.code
        if error.code == 404:
            return _page(404), 404
        if error.code and error.code >= 500:
            return _page(500), error.code
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return jsonify(error={"code": "internal_error", "message": "Something went wrong on our side; it has been logged."}), 500
        return _page(500), 500


def _page(code: int) -> str:
    """Error pages must render even when the store is down: no canonical URL (noindex) and the
    settings fall back to defaults."""
    settings = site_settings_or_default()
    meta = Meta(f"{TITLES[code]} | {settings.business_name}", TITLES[code], canonical="")
    return render_template(f"errors/{code}.html", meta=meta)
