"""The public portfolio site (core plugin): home, about, personal branding, one page per work
category and per project, sitemap and robots, styled error pages."""

from __future__ import annotations

from ..meta import simple_meta
from ..plugin_api import Plugin
from . import errors, purges, share, sitemap  # noqa: F401  (share and sitemap register their routes on bp)
from .tags import CACHE_TAGS
from .views import bp

plugin = Plugin("public", description="Core: the public portfolio site.", cache_tags=CACHE_TAGS)
plugin.add_blueprint(bp)
purges.connect(plugin)
# The work categories come first in the navigation, from the stored category list (the admin edits it).
plugin.add_nav_entry("Personal Branding", "public.personal_branding", order=20)
plugin.add_nav_entry("About", "public.about", order=30)
plugin.on_setup(errors.register)


@plugin.on_setup
def _template_helpers(app) -> None:
    app.jinja_env.globals["simple_meta"] = simple_meta
