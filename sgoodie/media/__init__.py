"""The media feature (core plugin): serving stored photos, the JSON media API for direct
uploads, and the image jobs that turn uploads into variants."""

from __future__ import annotations

from ..plugin_api import Plugin
from . import jobs
from .api import bp as api_bp
from .files import bp as files_bp

plugin = Plugin("media", description="Core: photo files, the media API and image jobs.")
plugin.add_blueprint(files_bp)
plugin.add_blueprint(api_bp)
plugin.on_setup(jobs.init_app)
