"""Which cached public pages each change touches: one handler per kind of change, wired as the public
site's signal handlers.

A change purges exactly these tags and nothing else (docs/architecture.md, cache tags). The views
put the same tags on the pages they render (`tags.py` builds both), and the purge table test
(tests/public/test_purges.py) checks every row through HTTP.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from .. import signals
from ..domain import Photo, Project
from ..plugin_api import Plugin
from ..services import services
from . import tags


def project_tags(project: Project, previous: Project | None = None) -> set[str]:
    """A project shows on its own page (and its sitemap part, tagged with it too), its category
    page, the home page when featured; a project that moved category or stopped being featured
    leaves those too. The category's sitemap parts and the index (`sitemap:<category>`) change
    only when the set of projects they list does: one created, deleted (`previous` None),
    listed or not any more (published, unpublished, made public or not), or moved."""
    found = {tags.project(project.id), tags.category(project.category)}
    if project.featured or (previous is not None and previous.featured):
        found.add(tags.HOME)
    if previous is not None and previous.category != project.category:
        found |= {tags.category(previous.category), tags.sitemap(previous.category)}
    if previous is None or previous.category != project.category or previous.is_listed != project.is_listed:
        found.add(tags.sitemap(project.category))
    return found


def photo_tags(photo: Photo, project: Project | None) -> set[str]:
    """A photo shows on its project's page and its sitemap part; as the cover it also shows
    wherever the project's card does. Visitors see a photo only once it has alt text
    (`Photo.is_shown`), so a text edit (`photo_saved`) purges all of these: adding alt text is
    what puts the photo, or the cover, on those pages."""
    found = {tags.project(photo.project_id)}
    if project is not None and project.cover_photo_id == photo.id:
        found |= project_tags(project, project)
    return found


def connect(plugin: Plugin) -> None:
    """Purge on the app's content signals (the public plugin's handlers)."""

    def purge(*groups: str | set[str]) -> None:
        flat: set[str] = set()
        for group in groups:
            flat |= {group} if isinstance(group, str) else group
        services().purge(*flat)

    @plugin.on(signals.project_saved)
    def _project_saved(app: Flask, project: Project, previous: Project | None = None, **_: Any) -> None:
        # A cover change shows on the cards too: project_tags already includes their pages.
        purge(project_tags(project, previous))

    @plugin.on(signals.project_deleted)
    def _project_deleted(app: Flask, project: Project, **_: Any) -> None:
        purge(project_tags(project))

    @plugin.on(signals.categories_saved)
    def _categories_saved(app: Flask, slugs: set[str], **_: Any) -> None:
        # Every page shows the navigation; the sitemap lists the categories.
        purge(tags.SITE, tags.SITEMAP, {tags.category(s) for s in slugs}, {tags.sitemap(s) for s in slugs})

    @plugin.on(signals.projects_reordered)
    def _projects_reordered(app: Flask, category: str, **_: Any) -> None:
        # A project's display order says which sitemap part lists it.
        purge(tags.category(category), tags.sitemap(category))

    @plugin.on(signals.photos_reordered)
    def _photos_reordered(app: Flask, project: Project, **_: Any) -> None:
        purge(tags.project(project.id))

    def photo_changed(app: Flask, photo: Photo, project: Project | None = None, **_: Any) -> None:
        purge(photo_tags(photo, project))

    plugin.on(signals.photo_saved)(photo_changed)
    plugin.on(signals.photo_deleted)(photo_changed)

    def photo_processed(app: Flask, photo: Photo, **_: Any) -> None:
        # A reprocessed photo that fails leaves its page; a ready one joins it (maybe as the cover);
        # one whose files moved is linked at its new address.
        purge(photo_tags(photo, services().store.get_project(photo.project_id)))

    for signal in (signals.photo_ready, signals.photo_failed, signals.photo_files_moved):
        plugin.on(signal)(photo_processed)

    @plugin.on(signals.page_saved)
    def _page_saved(app: Flask, page: Any, **_: Any) -> None:
        purge(tags.page(page.id))

    @plugin.on(signals.settings_saved)
    def _settings_saved(app: Flask, **_: Any) -> None:
        purge(tags.SITE)
