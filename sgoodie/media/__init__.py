"""The media feature (core plugin): serving stored photos, and the JSON media API."""

from __future__ import annotations

from ..plugin_api import Plugin
from .files import bp as files_bp

plugin = Plugin("media", description="Core: photo files and the media API.")
plugin.add_blueprint(files_bp)
