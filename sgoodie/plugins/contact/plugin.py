"""The contact plugin's `Plugin` object and its settings; the package imports the modules that
register its routes, slots and jobs on it."""

from __future__ import annotations

from pathlib import Path

from ...plugin_api import Plugin

plugin = Plugin(
    "contact",
    version="1.0.0",
    api_version=(1, 2),
    description="Inquiry form on /contact and under projects; inquiries in the admin; optional e-mail notifications.",
    template_folder=str(Path(__file__).parent / "templates"),
    cache_tags={
        "contact": ["/contact/thanks"]
    },  # the only contact page cached (the form needs fresh timestamps)
)
