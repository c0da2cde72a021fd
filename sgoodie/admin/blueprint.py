"""The admin blueprint. Every view needs a signed-in admin except those listed in `OPEN`;
a route added later is protected without anyone remembering to."""

from __future__ import annotations

from flask import Blueprint, request

from ..auth import private_response, require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static", static_url_path="/static")

OPEN = {"admin.login", "admin.static"}


@bp.before_request
def guard():
    if request.endpoint in OPEN:
        return None
    return require_admin()


bp.after_request(private_response)
