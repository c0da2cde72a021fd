"""Where a photo lives, so its life is written once for both kinds.

A project's photo is a record of the photos table; a page's own photo (the home hero, the about
portrait, the branding gallery) is a record on its page (`Page.photo`, `Page.photos`). Everything
else about them is the same: `find` and `modify` reach either, `prefix` says where its files go,
and the job that processes one is queued with `job_arguments`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from ..blobs import page_variant_prefix, variant_prefix
from ..content import pages
from ..content.changes import retrying
from ..domain import PAGE_IDS, Page, Photo, PhotoStatus
from ..services import services


def find(photo_id: str, page_id: str = "") -> Photo | None:
    """A project's photo, or with `page_id` that page's own photo; None when it is gone."""
    if not page_id:
        return services().store.get_photo(photo_id)
    if page_id not in PAGE_IDS:
        return None
    return _on_page(services().store.get_pages([page_id])[page_id], photo_id)


def modify(photo: Photo, change: Callable[[Photo], None], *, visible: bool = False) -> Photo | None:
    """Apply `change` to the latest version of the photo where it lives (None when it is gone).
    A page photo's change purges its page only when `visible` (it becomes ready, its text or
    point changes): queued, processing and failed leave the page showing what it showed."""
    if not photo.page_id:
        return modify_project_photo(photo.id, change, just_read=photo)
    found: list[Photo] = []

    def apply(page: Page) -> None:
        for slot, current in page.every_photo():
            if current.id == photo.id:
                change(current)
                _put_back(page, slot, current)
                found[:] = [current]
                return
        raise _Gone

    try:
        pages.modify(photo.page_id, apply, visible=visible)
    except _Gone:
        return None
    return found[0]


def modify_project_photo(
    photo_id: str, change: Callable[[Photo], None], *, just_read: Photo | None = None
) -> Photo | None:
    """Apply a change to the latest version of a project's photo (see `content.changes.retrying`);
    None when the photo has been deleted meanwhile. `just_read`: the photo as the caller read it
    (a copy is tried first, saving a read when nobody changed it since)."""
    store = services().store
    first = copy.deepcopy(just_read) if just_read is not None else None
    return retrying(
        lambda: store.get_photo(photo_id), store.update_photo, change, "the photo", just_read=first
    )


class _Gone(Exception):
    """The page photo was removed from its page meanwhile."""


def _on_page(page: Page, photo_id: str) -> Photo | None:
    return next((photo for _, photo in page.every_photo() if photo.id == photo_id), None)


def _put_back(page: Page, slot: str, photo: Photo) -> None:
    if isinstance(page.images.get(slot), list):
        page.put_photos(slot, [photo if p.id == photo.id else p for p in page.photos(slot)])
    else:
        page.put_photo(slot, photo)


def prefix(photo: Photo, *, private: bool = False) -> str:
    """Where a photo's variants live: its project's (public, or a client gallery's `private/`
    side) or its page's."""
    if photo.page_id:
        return page_variant_prefix(photo.page_id, photo.id)
    return variant_prefix(photo.project_id, photo.id, private=private)


def is_private(photo: Photo) -> bool:
    """Whether its files belong on the private side: a client gallery's photo. A page is public."""
    if photo.page_id:
        return False
    project = services().store.get_project(photo.project_id)
    return bool(project and project.is_private)


def job_arguments(photo: Photo) -> dict[str, Any]:
    """What the photo's jobs are queued with: its id, and its page's for a page photo."""
    return {"photo_id": photo.id, "page_id": photo.page_id} if photo.page_id else {"photo_id": photo.id}


def page_photos() -> Iterator[Photo]:
    """Every page's own photos (the three pages, one read)."""
    for page in services().store.get_pages(PAGE_IDS).values():
        for _, photo in page.every_photo():
            yield photo


def photos_in(statuses: list[str]) -> Iterator[Photo]:
    """Every photo in these statuses, projects' and pages'. Ready project photos are not listed by
    status (that would be the whole site in one list): they come project by project, a command's
    pace, not a page's."""
    store = services().store
    for status in statuses:
        if status != PhotoStatus.READY:
            yield from store.photos_with_status(status)
    if PhotoStatus.READY in statuses:
        for category in services().categories:
            for project in store.projects_in_category(category):
                yield from (p for p in store.photos_for_project(project.id) if p.is_ready)
    yield from (photo for photo in page_photos() if photo.status in statuses)
