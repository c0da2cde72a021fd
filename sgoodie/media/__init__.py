"""The media feature (core plugin)."""

from __future__ import annotations

from ..plugin_api import Plugin

plugin = Plugin("media", description="Core: media.")
