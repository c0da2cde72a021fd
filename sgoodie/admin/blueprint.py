"""The admin blueprint. Every view needs a signed-in admin except sign-in and the static files."""

from __future__ import annotations

from flask import Blueprint

from ..auth import admins_only, private_response

bp = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
admins_only(bp, open_endpoints={"admin.login", "admin.static"})
bp.after_request(private_response)
