from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates")


@bp.get("/")
def home():
    return "sgoodie"
