"""The /api/v1 feature (core plugin): the versioned REST API for programs on the photographer's own
computer (the sync client in clients/, a Lightroom publish service), authenticated by access tokens
(`sgoodie.tokens`), described by /api/v1/openapi.json. Plugins add their endpoints beside these
through `Plugin.api_route`."""

from __future__ import annotations

from ..plugin_api import Plugin
from . import openapi, photos, projects  # noqa: F401  (register their views)
from .common import bp

plugin = Plugin("api", description="Core: the /api/v1 REST API for access tokens.")
plugin.add_blueprint(bp)
