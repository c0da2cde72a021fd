"""The media feature (core plugin): the HTTP side of photos. Serving stored photo files, and the
JSON media API for direct uploads and S3 events. The photo's life itself (processing, retries,
the job queue) is in the core, `sgoodie.photos`."""

from __future__ import annotations

from ..plugin_api import Plugin
from .api import bp as api_bp
from .files import bp as files_bp

plugin = Plugin("media", description="Core: photo files and the media API.")
plugin.add_blueprint(files_bp)
plugin.add_blueprint(api_bp)
