"""The redirects plugin's `Plugin` object and its settings; the package imports the modules that
register its routes, slots and jobs on it."""

from __future__ import annotations

from pathlib import Path

from ...plugin_api import Plugin

plugin = Plugin(
    "redirects",
    version="1.0.0",
    api_version=(1, 2),
    description="301/302 redirects for legacy URLs (exact and prefix rules), checked before the 404 page.",
    template_folder=str(Path(__file__).parent / "templates"),
)
