"""The admin dashboard (core plugin): sign-in, projects, photos, categories, pages, settings.

Server-rendered WTForms pages; JavaScript only where forms cannot do it (drag reorder, inline
photo text, uploads with progress)."""

from __future__ import annotations

from ..plugin_api import Plugin
from . import account, categories, dashboard, describe, pages, photos, plugins, projects, revisions, trash  # noqa: F401  (register their views)
from .blueprint import bp
from .invitations import gallery_invitations  # noqa: F401  (registers a gallery's invitation views)

plugin = Plugin("admin", description="Core: the admin dashboard.")
plugin.add_blueprint(bp)
plugin.add_admin_menu_entry("Dashboard", "admin.dashboard", order=10)
plugin.add_admin_menu_entry("Projects", "admin.projects", order=20)
plugin.add_admin_menu_entry("Pages", "admin.pages", order=30)
plugin.add_admin_menu_entry("Categories", "admin.categories", order=35)
plugin.add_admin_menu_entry("Settings", "admin.settings", order=40)
plugin.add_admin_menu_entry("Trash", "admin.trash_page", order=80)
plugin.add_admin_menu_entry("Plugins", "admin.plugins", order=90)
