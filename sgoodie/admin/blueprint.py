"""The admin blueprint. Every view needs a signed-in admin except sign-in and the static files.

Its forms are small: the longest, a project's 10,000-character description or a page's texts, is
under 256 KB even percent-encoded. The page form, which also takes page photos, declares its own
limit (`admin/pages.py`)."""

from __future__ import annotations

from flask import Blueprint

from ..auth import admins_only, private_response
from ..bodies import blueprint_body_limit

FORM_BODY_LIMIT = 256 * 1024

bp = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
admins_only(bp, open_endpoints={"admin.login", "admin.static"})
blueprint_body_limit(bp, FORM_BODY_LIMIT)
bp.after_request(private_response)
