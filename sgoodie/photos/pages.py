"""A page's own photos (the home hero, the about portrait, the branding gallery): chosen from the
portfolio, following that photo's new files, and what happens to them when their photo's project
becomes a client gallery.

A photo chosen from the portfolio is copied into the page's files (no image work), so deleting
that project later does not break the page; the copy remembers its photo (`from_photo`) and gets
copies of its new files when it is rendered again (a settings change), as long as that photo is
public. A client gallery's photo is never copied to a public path: when a project becomes a
client gallery, the pages showing its photos lose them (`detach_client_gallery`), unless the
photographer keeps one, which makes it the page's own photo with its own copy of the original
(`keep_as_own`): later re-renders work from that copy, never from the private files.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from ..blobs import BlobNotFoundError, is_private_key, page_original_key, page_variant_prefix
from ..content import activity, pages
from ..domain import PAGE_IDS, Page, Photo, PhotoStatus, Project, ValidationError, new_id, utcnow
from ..services import services
from . import edits, files, homes, lifecycle, uploads

log = logging.getLogger("sgoodie.photos")

PAGE_NAMES = {"home": "home page", "about": "about page", "personal-branding": "personal branding page"}
PAGE_PLACES = {
    "home": "The home page",
    "about": "The about page",
    "personal-branding": "The personal branding page",
}
SLOT_NAMES = {"hero": "hero photo", "portrait": "portrait", "gallery": "gallery"}


def from_portfolio(page_id: str, photo_id: str, alt: str) -> Photo:
    """A ready portfolio photo as a page's own photo: its files copied into the page's, ready at
    once. Not a client gallery's photo (a page is public)."""
    photo = services().store.get_photo(photo_id)
    if photo is None or not photo.is_ready:
        raise ValidationError({"photo": "That photo is not available any more."})
    if homes.is_private(photo) or any(is_private_key(v.key) for v in photo.variants):
        raise ValidationError({"photo": "That photo belongs to a client gallery; choose a portfolio photo."})
    copy_id = new_id()
    prefix = page_variant_prefix(page_id, copy_id)
    try:
        copied = files.copy_public_variants(photo.variants, prefix)
    except BlobNotFoundError:
        services().blobs.delete_prefix(prefix)
        raise ValidationError({"photo": "That photo's files are missing; choose another one."}) from None
    return replace(
        photo,
        id=copy_id,
        project_id="",
        page_id=page_id,
        from_photo=photo.id,  # gets that photo's new files when it is rendered again
        alt_text=alt or photo.alt_text,  # the subject stays where the photographer placed it
        caption="",
        variants=copied,
        original_key="",
        status=PhotoStatus.READY,
        error="",
        attempts=0,
        rights_override={},
        replaces=None,
        order=0,
        version=0,
        created_at=utcnow(),
        updated_at=utcnow(),
    )


def refresh_copies(photo: Photo) -> None:
    """A public portfolio photo rendered again: the page photos copied from it (a hero chosen from
    the portfolio) get copies of its new files, beside the ones their page shows until then."""
    if homes.is_private(photo):  # a client gallery's files never go to a page
        return
    for copy in list(homes.page_photos()):
        if copy.from_photo != photo.id or copy.original_key:
            continue
        prefix = page_variant_prefix(copy.page_id, copy.id)
        try:
            copied = files.copy_public_variants(photo.variants, prefix, new_id()[:8])
        except BlobNotFoundError:  # the photo was rendered again meanwhile: that job copies
            continue

        def update(current: Photo, copied=copied) -> None:
            current.variants = copied
            current.rights, current.rendering = dict(photo.rights), photo.rendering
            current.updated_at = utcnow()

        if homes.modify(copy, update, visible=True) is None:
            services().blobs.delete_many([v.key for v in copied])
        else:
            files.drop_stale(prefix, copied, copy.variants)


def showing(project: Project) -> list[Photo]:
    """The pages' photos that show one of this project's photos (copies that follow it)."""
    ids = {photo.id for photo in services().store.photos_for_project(project.id)}
    return [photo for photo in homes.page_photos() if photo.from_photo in ids]


def where(photo: Photo) -> str:
    """Where a page photo shows, in words: "the home page's hero photo"."""
    page = services().store.get_pages([photo.page_id])[photo.page_id]
    slot = next((slot for slot, shown in page.every_photo() if shown.id == photo.id), "")
    return f"the {PAGE_NAMES.get(photo.page_id, photo.page_id)}'s {SLOT_NAMES.get(slot, 'photo')}"


def keep_as_own(page_photo: Photo) -> Photo | None:
    """Keep a page photo that follows a portfolio photo as the page's own: a copy of that photo's
    original becomes its original, and it follows nobody any more (its later re-renders are made
    from that copy). Before the photo's project becomes a client gallery."""
    source = services().store.get_photo(page_photo.from_photo)
    if source is None or not source.original_key:
        return None
    extension = source.original_key.rsplit(".", 1)[-1]
    key = page_original_key(page_photo.page_id, page_photo.id, extension)
    services().blobs.copy(source.original_key, key)

    def own(current: Photo) -> None:
        current.original_key, current.from_photo = key, ""
        current.filename, current.content_type, current.size = (
            source.filename,
            source.content_type,
            source.size,
        )
        current.rights_source, current.exif = dict(source.rights_source), dict(source.exif)

    kept = homes.modify(page_photo, own)
    if kept is None:
        services().blobs.delete_many([key])
    return kept


def detach_client_gallery(project: Project) -> list[str]:
    """A project became a client gallery: every page photo still following one of its photos
    leaves its page, files and all. Returns where each was, in words (the photographer is told)."""
    removed = []
    for photo in showing(project):
        place = where(photo)

        def drop(page: Page, photo=photo) -> None:
            for slot, shown in list(page.every_photo()):
                if shown.id != photo.id:
                    continue
                if isinstance(page.images.get(slot), list):
                    page.put_photos(slot, [p for p in page.photos(slot) if p.id != photo.id])
                else:
                    page.put_photo(slot, None)

        pages.modify(photo.page_id, drop)
        files.discard(photo)
        removed.append(place)
        activity.record(
            f"Removed {place}: its photo belongs to the client gallery “{project.title}” now",
            project_id=project.id,
        )
    return removed


def upgrade_stored_pages() -> int:
    """Rewrite the pages whose photos are stored in the shape sgoodie used before page photos were
    `Photo` records (they read as records already; `sgoodie reindex` makes the stored data match).
    Returns how many pages were rewritten; running it again rewrites none."""
    store, upgraded = services().store, 0
    for page in store.get_pages(PAGE_IDS).values():
        before = {slot: value for slot, value in page.images.items() if value}
        for slot, value in before.items():
            if isinstance(value, list):
                page.put_photos(slot, page.photos(slot))
            else:
                page.put_photo(slot, page.photo(slot))
        if page.version and page.images != before:
            store.save_page(page, keep_updated_at=True)
            upgraded += 1
    return upgraded


def queue_uploaded(page: Page, photo_ids: list[str]) -> int:
    """Queue the jobs of photos just stored for a page, once the page holding them is saved."""
    queued = [photo for _, photo in page.every_photo() if photo.id in photo_ids]
    for photo in queued:
        lifecycle.queue(photo)
    return len(queued)


#: A focal point typed in a form: (x, y) as fractions, either None to keep the photo's own.
Focal = tuple[float | None, float | None]


def _placed(photo: Photo, focal: Focal) -> Photo:
    x, y = focal
    return edits.with_focal_point(photo, photo.focal_x if x is None else x, photo.focal_y if y is None else y)


class PhotoChanges:
    """What a page form does to its page's photos, applied to the edited copy of the page: new
    photos are stored before the page is saved and discarded if the save fails (`rollback`);
    replaced and removed ones lose their files once it succeeded (`commit`, which also queues the
    jobs of new uploads). A new photo in a single slot keeps the one visitors see as the photo it
    `replaces`, shown until the new one is ready. Text and focal points go through the photo's own
    rules (`edits.with_text`, `edits.with_focal_point`). Used as a context manager, any error
    inside the block rolls back before it goes on."""

    def __init__(self, page: Page):
        self.page = page
        self.created: list[Photo] = []
        self.replaced: list[Photo] = []

    def __enter__(self) -> PhotoChanges:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if error is not None:  # whatever went wrong, no stored file is left without its page
            self.rollback()

    # -- single slots (the home hero, the about portrait) ---------------------------------------
    def upload(self, slot: str, stream, alt: str) -> Photo:
        new = self._created(uploads.store_page_upload(self.page.id, stream, alt))
        current = self.page.photo(slot)
        shown = current.shown_on_page if current is not None else None
        if shown is not None:  # visitors keep seeing it until the new photo is ready
            new.replaces = replace(shown, replaces=None)
            if current is not None and shown is not current:  # a photo still waiting: its own files go
                self.replaced.append(replace(current, replaces=None))
        elif current is not None:
            self.replaced.append(current)
        self.page.put_photo(slot, new)
        return new

    def choose(self, slot: str, photo_id: str, alt: str) -> Photo:
        new = self._created(from_portfolio(self.page.id, photo_id, alt))
        self._replace(slot, new)
        return new

    def clear(self, slot: str) -> None:
        self._replace(slot, None)

    def describe(self, slot: str, alt: str, focal: Focal) -> None:
        """The slot's photo keeps its place, with this alt text and subject point (a coordinate not
        given keeps its own); the photo it replaces, which visitors still see, gets the point too."""
        current = self.page.photo(slot)
        if current is None:
            return
        current = _placed(edits.with_text(current, alt), focal)
        if current.replaces is not None:
            current.replaces = _placed(current.replaces, focal)
        self.page.put_photo(slot, current)

    def _replace(self, slot: str, new: Photo | None) -> None:
        current = self.page.photo(slot)
        if current is not None:
            self.replaced.append(current)
        self.page.put_photo(slot, new)

    # -- the branding gallery -------------------------------------------------------------------
    def gallery(self, slot: str, *, remove: set[str], texts: dict[str, tuple[str, Focal]]) -> None:
        """Drop the photos named in `remove`; give the others the alt text and point typed for them."""
        kept = []
        for photo in self.page.photos(slot):
            if photo.id in remove:
                self.replaced.append(photo)
                continue
            alt, focal = texts.get(photo.id, (photo.alt_text, (None, None)))
            kept.append(_placed(edits.with_text(photo, alt), focal))
        self.page.put_photos(slot, kept)

    def add_to_gallery(self, slot: str, photo: Photo) -> None:
        self.page.put_photos(slot, [*self.page.photos(slot), self._created(photo)])

    def _created(self, photo: Photo) -> Photo:
        self.created.append(photo)
        return photo

    # -- after the save -------------------------------------------------------------------------
    def commit(self, saved: Page) -> int:
        """The save succeeded: the replaced photos' files go, the new uploads' jobs are queued.
        Returns how many photos are being prepared."""
        for photo in self.replaced:
            files.discard(photo)
        return queue_uploaded(saved, [p.id for p in self.created if p.status == PhotoStatus.QUEUED])

    def rollback(self) -> None:
        """The save failed (or was not made): what was stored for it goes, nothing is orphaned."""
        for photo in self.created:
            files.discard(replace(photo, replaces=None))
