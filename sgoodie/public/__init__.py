"""The public portfolio site (core plugin)."""

from __future__ import annotations

from ..plugin_api import Plugin
from .views import bp

plugin = Plugin("public", description="Core: the public portfolio site.")
plugin.add_blueprint(bp)
