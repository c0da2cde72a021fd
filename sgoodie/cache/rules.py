"""Which cached pages each change touches: one signal handler per kind of change.

A change purges exactly these tags and nothing else (docs/architecture.md, cache tags). The public views
declare the same tags when they render, so a rule here and a tag there must agree; the purge
table test (tests/cache/test_purge_rules.py) checks every row through HTTP.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from .. import signals
from ..domain import Photo, Project


def project_tags(project: Project, previous: Project | None = None) -> set[str]:
    """A project shows on its own page (and its sitemap part, tagged with it too), its category
    page, the home page when featured; a project that moved category or stopped being featured
    leaves those too. The category's sitemap parts and the index (`sitemap:<category>`) change
    only when the set of projects they list does: one created, deleted (`previous` None),
    listed or not any more (published, unpublished, made public or not), or moved."""
    tags = {f"project:{project.id}", f"category:{project.category}"}
    if project.featured or (previous is not None and previous.featured):
        tags.add("home")
    if previous is not None and previous.category != project.category:
        tags |= {f"category:{previous.category}", f"sitemap:{previous.category}"}
    if previous is None or previous.category != project.category or previous.is_listed != project.is_listed:
        tags.add(f"sitemap:{project.category}")
    return tags


def photo_tags(photo: Photo, project: Project | None) -> set[str]:
    """A photo shows on its project's page and its sitemap part; as the cover it also shows
    wherever the project's card does. Visitors see a photo only once it has alt text
    (`Photo.is_shown`), so a text edit (`photo_saved`) purges all of these: adding alt text is
    what puts the photo, or the cover, on those pages."""
    tags = {f"project:{photo.project_id}"}
    if project is not None and project.cover_photo_id == photo.id:
        tags |= project_tags(project, project)
    return tags


def connect(
    app: Flask, purge_tags: Callable[[set[str]], None], read_project: Callable[[str], Project | None]
) -> None:
    """Purge through `purge_tags` on the app's content signals; `read_project` finds the project
    of a photo whose signal does not carry it."""

    def purge(*tags: str | set[str]) -> None:
        flat: set[str] = set()
        for tag in tags:
            flat |= {tag} if isinstance(tag, str) else tag
        purge_tags(flat)

    @signals.project_saved.connect_via(app)
    def _project_saved(sender, project: Project, previous: Project | None = None, **_):
        # A cover change shows on the cards too: project_tags already includes their pages.
        purge(project_tags(project, previous))

    @signals.project_deleted.connect_via(app)
    def _project_deleted(sender, project: Project, **_):
        purge(project_tags(project))

    @signals.categories_saved.connect_via(app)
    def _categories_saved(sender, slugs: set[str], **_):
        # Every page shows the navigation; the sitemap lists the categories.
        purge(
            "site", "sitemap", {f"category:{slug}" for slug in slugs}, {f"sitemap:{slug}" for slug in slugs}
        )

    @signals.projects_reordered.connect_via(app)
    def _projects_reordered(sender, category: str, **_):
        # A project's display order says which sitemap part lists it.
        purge(f"category:{category}", f"sitemap:{category}")

    @signals.photos_reordered.connect_via(app)
    def _photos_reordered(sender, project: Project, **_):
        purge(f"project:{project.id}")

    @signals.photo_saved.connect_via(app)
    @signals.photo_deleted.connect_via(app)
    def _photo_changed(sender, photo: Photo, project: Project | None = None, **_):
        purge(photo_tags(photo, project))

    @signals.photo_ready.connect_via(app)
    @signals.photo_failed.connect_via(app)
    @signals.photo_files_moved.connect_via(app)
    def _photo_processed(sender, photo: Photo, **_):
        # A reprocessed photo that fails leaves its page; a ready one joins it (maybe as the cover);
        # one whose files moved is linked at its new address.
        purge(photo_tags(photo, read_project(photo.project_id)))

    @signals.page_saved.connect_via(app)
    def _page_saved(sender, page, **_):
        purge(f"page:{page.id}")

    @signals.settings_saved.connect_via(app)
    def _settings_saved(sender, **_):
        purge("site")
