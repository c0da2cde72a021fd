"""The proofing plugin's `Plugin` object and its settings; the package imports the modules that
register its routes, slots and jobs on it."""

from __future__ import annotations

from pathlib import Path

from ...plugin_api import Plugin

plugin = Plugin(
    "proofing",
    version="1.0.0",
    api_version=(1, 2),
    description="Client galleries: favourites lists, notes, selections for the photographer; single and whole-gallery downloads.",
    template_folder=str(Path(__file__).parent / "templates"),
)
