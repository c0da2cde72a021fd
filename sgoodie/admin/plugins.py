"""The Plugins page: every plugin found, with its version, where it came from, whether it runs
(and why not), and what it contributes."""

from __future__ import annotations

from flask import current_app, render_template

from ..plugin_loader import registry
from .blueprint import bp


@bp.get("/plugins")
def plugins():
    records = registry(current_app).records
    return render_template("admin/plugins.html", records=records)
