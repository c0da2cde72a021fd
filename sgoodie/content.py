"""Content operations: what happens when the photographer changes something.

The admin, the media jobs, the demo seeder and plugins all change content through these
functions, so each rule lives in one place: validation, the home page's featured order, removing
files with the records they belong to, the activity log, and the signals other features react to
(the page cache purges from them).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from flask import current_app
from flask_login import current_user

from . import schedule, signals, trash
from .accounts import hash_password
from .blobs import IMMUTABLE, page_variant_prefix
from .domain import (
    CATEGORIES_PAGE_ID,
    GALLERY_FULL,
    GALLERY_MAX,
    GALLERY_PASSWORD_MIN,
    SITE_PAGE_ID,
    Category,
    CategoryList,
    Page,
    Photo,
    Project,
    Rights,
    SiteSettings,
    ValidationError,
    focal_errors,
    new_id,
    slugify,
    to_record,
    utcnow,
)
from .images.logo import logo_files
from .jobs import JobKind, JobRegistry
from .revisions import Revisions
from .services import services, stored_categories
from .stores import ConflictError, StaleVersionError
from .stores.ordering import move_item

ACTIVITY = "activity"
T = TypeVar("T")
ACTIVITY_KEEP_SECONDS = 90 * 24 * 3600


# -- projects ------------------------------------------------------------------------------------
def _check_schedule(project: Project, previous: Project | None) -> None:
    """A newly set time must be ahead (a time that passed would act at once, by surprise)."""
    now = utcnow()
    errors = {
        name: "That time has passed: choose a later one, or publish or unpublish it now."
        for name in schedule.ACTIONS.values()
        if getattr(project, name)
        and getattr(project, name) != getattr(previous, name, "")
        and getattr(project, name) <= now
    }
    if errors:
        raise ValidationError(errors)


def create_project(project: Project) -> Project:
    project.validate(services().categories)
    _check_schedule(project, None)
    if project.published:
        project.published_at = utcnow()
    schedule.add_entries(project, None)
    stored = services().store.create_project(project)
    _sync_featured(stored, previous=None)
    record_activity(f"Created project “{stored.title}”", project_id=stored.id)
    revisions().record("project", stored.id, project_fields(stored), _who(), "Created")
    signals.project_saved.send(_app(), project=stored, previous=None)
    return stored


def save_project(project: Project, previous: Project, *, note: str = "") -> Project:
    """Save an edited project. `previous` is the version the editor started from; a concurrent
    change raises StaleVersionError. Publishing requires alt text on every ready photo. Every
    save keeps a revision (`note` says why, when it was not an edit)."""
    photos = services().store.photos_for_project(project.id)
    project.validate(services().categories, photos)
    _check_schedule(project, previous)
    if not project.cover_photo_id:
        project.cover_photo_id = _first_ready(photos)
    if project.published and not previous.published_at:
        project.published_at = utcnow()
    schedule.add_entries(project, previous)
    stored = services().store.update_project(project)
    schedule.drop_entries(stored, previous)
    _sync_featured(stored, previous=previous)
    revisions().record("project", stored.id, project_fields(stored), _who(), note)
    change = (
        "Published"
        if stored.published and not previous.published
        else "Unpublished"
        if previous.published and not stored.published
        else "Edited"
    )
    record_activity(f"{change} project “{stored.title}”", project_id=stored.id)
    if stored.is_private != previous.is_private:
        _move_files(stored)
    signals.project_saved.send(_app(), project=stored, previous=previous)
    return stored


def _move_files(project: Project) -> None:
    """A project that became a client gallery (or stopped being one): its photos' files move to
    the private prefix (or back) in the background (`lifecycle.move_files`)."""
    from .photos.lifecycle import move_project_files  # the photo's life imports this module

    count = move_project_files(project.id)
    if count:
        side = "private storage" if project.is_private else "public storage"
        record_activity(f"Moving {count} photos of “{project.title}” to {side}", project_id=project.id)


# -- client galleries ----------------------------------------------------------------------------
def set_gallery_password(project: Project, password: str) -> Project:
    """Give a client gallery a new password (hashed). Every grant given with the old one ends:
    clients who had opened the gallery are asked for the new password."""
    password = password.strip()
    if len(password) < GALLERY_PASSWORD_MIN:
        raise ValidationError(
            {"gallery_password": f"Use at least {GALLERY_PASSWORD_MIN} characters for the gallery password."}
        )
    hashed = hash_password(password)

    def change(current: Project) -> None:
        current.gallery_password_hash = hashed
        current.gallery_epoch += 1

    stored = modify_project(project.id, change)
    record_activity(f"Set a new password for the gallery “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(_app(), project=stored, previous=project)
    return stored


def new_gallery_password() -> str:
    """A password to read out or type from a message: three groups of four, no look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def set_gallery_expiry(project: Project, last_day: str) -> Project:
    """Open the gallery until `last_day` (YYYY-MM-DD; empty: no expiry). Extending an expired
    gallery opens it again, grants included."""

    def change(current: Project) -> None:
        current.gallery_expires_on = last_day
        current.validate(services().categories)

    stored = modify_project(project.id, change)
    until = f"until {last_day}" if last_day else "with no end date"
    record_activity(f"Opened the gallery “{stored.title}” {until}", project_id=stored.id)
    signals.project_saved.send(_app(), project=stored, previous=project)
    return stored


def delete_project(project: Project) -> list[Photo]:
    """Move the project and its photos to the trash: gone from the site at once (the signal
    purges its pages), files kept until the trash is emptied."""
    photos = services().store.photos_for_project(project.id)
    trash.put_project(project, photos, _who())
    photos = services().store.delete_project(project.id)
    schedule.drop_entries(None, project)
    _sync_featured(replace(project, featured=False), previous=project)
    record_activity(f"Moved project “{project.title}” and its {len(photos)} photos to the trash")
    signals.project_deleted.send(_app(), project=project, photos=photos)
    return photos


def reorder_projects(category: str, ordered_ids: Sequence[str]) -> None:
    services().store.reorder_projects(category, ordered_ids)
    record_activity(f"Reordered {services().categories.get(category, category)} projects")
    signals.projects_reordered.send(_app(), category=category, project_ids=list(ordered_ids))


def move_project(project: Project, step: int) -> None:
    """Move one place up (-1) or down (+1) within its category (the no-JavaScript reorder): it
    trades places with its neighbour, the only project read."""
    store = services().store
    side = {"before": project.order} if step < 0 else {"after": project.order}
    neighbour = store.projects_page(project.category, limit=1, **side)
    if not neighbour:
        return
    store.swap_projects(project.category, project.id, neighbour[0].id)
    record_activity(f"Reordered {services().categories.get(project.category, project.category)} projects")
    ids = [project.id, neighbour[0].id] if step < 0 else [neighbour[0].id, project.id]
    signals.projects_reordered.send(_app(), category=project.category, project_ids=ids)


def _sync_featured(project: Project, previous: Project | None) -> None:
    """Keep the home page's featured order in step with the project's `featured` flag."""
    was = bool(previous and previous.featured)
    if project.featured == was:
        return

    def change(page: Page) -> None:
        order = [pid for pid in page.content.get("featured_order", []) if pid != project.id]
        if project.featured:
            order.append(project.id)
        page.content["featured_order"] = order

    modify_page("home", change)


# -- photos --------------------------------------------------------------------------------------
def update_photo_text(photo: Photo, alt_text: str, caption: str) -> Photo:
    updated = replace(photo, alt_text=alt_text.strip(), caption=caption.strip())
    updated.validate()
    stored = services().store.update_photo(updated)
    signals.photo_saved.send(_app(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def update_photo_rights(photo: Photo, override: Rights) -> Photo:
    """A photo's own credit and licensing (each field set wins over the original's and the site's)."""
    override.validate("rights_")
    updated = replace(photo, rights_override=override.to_dict())
    stored = services().store.update_photo(updated)
    project = services().store.get_project(stored.project_id)
    if project is not None:
        record_activity(f"Edited the credit of a photo in “{project.title}”", project_id=project.id)
    signals.photo_saved.send(_app(), photo=stored, project=project)
    return stored


def set_photo_focal_point(photo: Photo, focal_x: float, focal_y: float) -> Photo:
    """Where the photo's subject is: every crop of it on the site keeps that point in view. No
    version check: the latest photo gets the point (placing it never loses anyone's text)."""
    errors = focal_errors(focal_x, focal_y)
    if errors:
        raise ValidationError(errors)

    def change(current: Photo) -> None:
        current.focal_x, current.focal_y = float(focal_x), float(focal_y)

    stored = modify_photo(photo.id, change)
    if stored is None:
        raise ValidationError({"photo": "This photo no longer exists."})
    signals.photo_saved.send(_app(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def set_cover(project: Project, photo_id: str) -> Project:
    """Make a photo the project's cover (no version check: choosing a cover never loses work)."""

    def change(current: Project) -> None:
        current.cover_photo_id = photo_id

    stored = modify_project(project.id, change)
    record_activity(f"Changed the cover of “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(_app(), project=stored, previous=project)
    return stored


def ensure_cover(project_id: str) -> Project | None:
    """The cover rule, in one place: a project without a cover shows its first ready photo.
    Called when a photo becomes ready and when the cover photo is deleted."""
    store = services().store
    project = store.get_project(project_id)
    if project is None or project.cover_photo_id:
        return project
    first = _first_ready(store.photos_for_project(project_id))
    if not first:
        return project

    def choose(current: Project) -> None:
        if not current.cover_photo_id:
            current.cover_photo_id = first

    try:
        return modify_project(project_id, choose)
    except ValidationError:  # the project was deleted meanwhile
        return None


def _first_ready(photos: Sequence[Photo]) -> str:
    """The first photo visitors see (described), else the first ready one (a draft's, say)."""
    return next((p.id for p in photos if p.is_shown), "") or next((p.id for p in photos if p.is_ready), "")


def delete_photo(photo: Photo) -> None:
    """Move the photo to the trash (its original and variants stay until the trash is emptied)."""
    project = services().store.get_project(photo.project_id)
    trash.put_photo(photo, project, _who())
    services().store.delete_photo(photo.id)
    if project is not None and project.cover_photo_id == photo.id:
        ensure_cover(project.id)  # the store cleared the cover with the photo
    if project is not None:
        record_activity(f"Moved a photo of “{project.title}” to the trash", project_id=project.id)
    # The project as it was: when this photo was its cover, every card showing it must go too.
    signals.photo_deleted.send(_app(), photo=photo, project=project)


def reorder_photos(project: Project, ordered_ids: Sequence[str]) -> None:
    services().store.reorder_photos(project.id, ordered_ids)
    record_activity(f"Reordered the photos of “{project.title}”", project_id=project.id)
    signals.photos_reordered.send(_app(), project=project)


def move_photo(photo: Photo, step: int) -> None:
    project = services().store.get_project(photo.project_id)
    ids = [p.id for p in services().store.photos_for_project(photo.project_id)]
    reorder_photos(project, move_item(ids, photo.id, step))


# -- pages and settings --------------------------------------------------------------------------
def save_page(page: Page, *, note: str = "") -> Page:
    if len(page.images.get("gallery") or []) > GALLERY_MAX:
        raise ValidationError({"gallery": GALLERY_FULL})
    stored = services().store.save_page(page)
    record_activity(f"Edited the {page.id.replace('-', ' ')} page")
    revisions().record("page", stored.id, page_fields(stored), _who(), note)
    signals.page_saved.send(_app(), page=stored)
    return stored


def save_settings(settings: SiteSettings, base: Page, *, note: str = "") -> SiteSettings:
    """Save the settings; a logo they no longer name (replaced or removed) loses its files."""
    settings.validate()
    stored = services().store.save_page(settings.to_page(base))
    record_activity("Edited the site settings")
    saved = SiteSettings.from_page(stored)
    revisions().record("settings", SITE_PAGE_ID, settings_fields(saved), _who(), note)
    previous = SiteSettings.from_page(base).logo
    if previous and previous.get("prefix") != saved.logo.get("prefix"):
        discard_logo(previous)
    signals.settings_saved.send(_app(), settings=saved)
    return saved


def store_logo(data: bytes, filename: str) -> dict:
    """Make the logo's files (header sizes, favicon, touch icon) and store them under a new id;
    the settings name them once saved. Raises ImageError, saying why, for a file we refuse."""
    files = logo_files(data, filename)
    logo_id = new_id()
    prefix = page_variant_prefix(SITE_PAGE_ID, logo_id)
    for file in files:
        services().blobs.put(
            prefix + file.name, file.data, content_type=file.content_type, cache_control=IMMUTABLE
        )
    header = files[0]
    return {"id": logo_id, "prefix": prefix, "width": header.width, "height": header.height}


def discard_logo(logo: dict) -> None:
    if logo.get("prefix"):
        services().blobs.delete_prefix(logo["prefix"])


# -- categories ----------------------------------------------------------------------------------
def read_categories() -> CategoryList:
    """The latest stored category list (not the copy kept for the request)."""
    return stored_categories(services().store.get_pages([CATEGORIES_PAGE_ID])[CATEGORIES_PAGE_ID])


def _change_categories(change: Callable[[CategoryList], None], what: str, *slugs: str) -> CategoryList:
    """Apply `change` to the latest list and store it (again when someone saved in between), then
    tell the cache: the navigation of every page and the sitemap change."""

    def write(categories: CategoryList) -> CategoryList:
        categories.validate()
        return CategoryList.from_page(services().store.save_page(categories.to_page()))

    stored = _modify(read_categories, write, change, "The categories")
    services().forget_cached_pages()
    record_activity(what)
    signals.categories_saved.send(_app(), categories=stored, slugs=set(slugs))
    return stored


def _free_slug(categories: CategoryList, slug: str, field: str = "slug") -> None:
    if categories.get(slug) is not None:
        raise ValidationError({field: f"The address '{slug}' is already used by another category."})


def create_category(name: str, slug: str = "", *, hidden: bool = False) -> Category:
    """A new category at the end of the navigation; its address is taken from the name unless
    given. A renamed category's old address it takes over stops redirecting."""
    slug = slug or slugify(name)
    category = Category(slug, name.strip(), hidden)

    def change(categories: CategoryList) -> None:
        _free_slug(categories, slug)
        categories.renamed.pop(slug, None)
        categories.items.append(replace(category))

    _change_categories(change, f"Created the category “{category.name}”", slug)
    return category


def update_category(slug: str, *, name: str, new_slug: str, hidden: bool) -> Category:
    """Rename (name and/or address) and hide or show a category. A new address moves its projects
    (one write each, their order kept), its introduction page, and makes the old address redirect."""
    current = read_categories()
    if current.get(slug) is None:
        raise ValidationError({"slug": "This category no longer exists."})
    new_slug = new_slug or slug
    if new_slug != slug:
        _free_slug(current, new_slug)
        CategoryList([Category(new_slug, name or "x")]).validate()  # a valid address before moving
        moved = services().store.move_category(slug, new_slug)
        for project in moved:
            signals.project_saved.send(_app(), project=project, previous=replace(project, category=slug))

    def change(categories: CategoryList) -> None:
        category = categories.get(slug) or categories.get(new_slug)
        if category is None:
            raise ValidationError({"slug": "This category no longer exists."})
        category.slug, category.name, category.hidden = new_slug, name.strip(), hidden
        if new_slug != slug:
            categories.renamed = {
                old: (new_slug if to == slug else to)
                for old, to in categories.renamed.items()
                if old != new_slug
            }
            categories.renamed[slug] = new_slug

    stored = _change_categories(change, f"Edited the category “{name.strip()}”", slug, new_slug)
    if new_slug != slug:
        _move_category_page(slug, new_slug)
    return stored.get(new_slug)


def _move_category_page(old: str, new: str) -> None:
    store = services().store
    pages = store.get_pages([f"work-{old}", f"work-{new}"])
    source, target = pages[f"work-{old}"], pages[f"work-{new}"]
    if source.version:
        store.save_page(
            replace(source, id=target.id, version=target.version)
        )  # the introduction and search texts follow the category
        store.save_page(Page(source.id, version=source.version))
        for page in (source, target):
            signals.page_saved.send(_app(), page=page)


def move_category(slug: str, step: int) -> None:
    """One place up (-1) or down (+1) in the navigation."""

    def change(categories: CategoryList) -> None:
        slugs = move_item([c.slug for c in categories.items], slug, step)
        by_slug = {c.slug: c for c in categories.items}
        categories.items = [by_slug[s] for s in slugs]

    _change_categories(change, "Reordered the categories", slug)


def delete_category(slug: str) -> None:
    """Remove an empty category; one with projects is refused (move or delete them first)."""
    count = sum(services().store.project_counts().get(slug, {}).values())
    if count:
        raise ValidationError(
            {
                "category": f"This category still has {count} project{'s' if count != 1 else ''}: "
                "move them to another category or delete them first."
            }
        )
    found = read_categories().get(slug)
    name = found.name if found else slug

    def change(categories: CategoryList) -> None:
        category = categories.get(slug)
        if category is None:
            raise ValidationError({"category": "This category no longer exists."})
        categories.items.remove(category)
        categories.renamed = {old: to for old, to in categories.renamed.items() if to != slug}

    _change_categories(change, f"Deleted the category “{name}”", slug)
    page = services().store.get_pages([f"work-{slug}"])[f"work-{slug}"]
    if page.version:  # a category created later at this address starts with a blank introduction
        services().store.save_page(Page(page.id, version=page.version))


def seed_categories(defaults: dict[str, str]) -> None:
    """Store these categories (the demo's, a new site's) unless a list was saved already."""
    page = services().store.get_pages([CATEGORIES_PAGE_ID])[CATEGORIES_PAGE_ID]
    if page.version:
        return
    listed = CategoryList([Category(slug, name) for slug, name in defaults.items()])
    listed.validate()
    services().store.save_page(listed.to_page())
    services().forget_cached_pages()
    signals.categories_saved.send(_app(), categories=listed, slugs=set(defaults))


# -- read-modify-write with retry ----------------------------------------------------------------
def modify_page(page_id: str, change: Callable[[Page], None], *, visible: bool = True) -> Page:
    """Apply a targeted change to the latest version of a page (see `_modify`). `visible=False`
    for a change visitors cannot see (a photo job's progress): no page_saved, so no purge."""
    stored = _modify(
        lambda: services().store.get_pages([page_id])[page_id],
        services().store.save_page,
        change,
        f"the {page_id} page",
    )
    if visible:
        signals.page_saved.send(_app(), page=stored)
    return stored


def modify_project(project_id: str, change: Callable[[Project], None]) -> Project:
    project = _modify(
        lambda: services().store.get_project(project_id),
        services().store.update_project,
        change,
        "the project",
    )
    if project is None:
        raise ValidationError({"project": "This project no longer exists."})
    return project


def modify_photo(photo_id: str, change: Callable[[Photo], None]) -> Photo | None:
    """Apply a change to the latest version of a photo (the photo's life uses this). None when the
    photo has been deleted meanwhile."""
    return _modify(
        lambda: services().store.get_photo(photo_id), services().store.update_photo, change, "the photo"
    )


def _modify(
    read: Callable[[], T | None],
    write: Callable[[T], T],
    change: Callable[[T], None],
    what: str,
    attempts: int = 5,
) -> T | None:
    """Read the latest version, change it, write it; when someone saved in between, do it again
    (safe because `change` is re-applied to what they saved, not to a stale copy). None when the
    record is gone."""
    for _ in range(attempts):
        current = read()
        if current is None:
            return None
        change(current)
        try:
            return write(current)
        except StaleVersionError:
            continue
    raise StaleVersionError(f"{what} kept changing; try again")


# -- trash ---------------------------------------------------------------------------------------
def restore_from_trash(key: str) -> str:
    """Put a trashed project (with its photos in their order, its cover and its place in the
    category) or photo back on the site; returns what happened, in words. The files never left."""
    entry = trash.get(key)
    if entry is None:
        raise ValidationError({"trash": "This item is no longer in the trash."})
    if entry.kind == "project":
        return _restore_project(entry)
    return _restore_photo(entry)


def _restore_project(entry: trash.Entry) -> str:
    store = services().store
    project = entry.project
    if project.category not in services().categories:
        raise ValidationError(
            {"trash": f"Its category “{project.category}” no longer exists: create it again first."}
        )
    note = ""
    if store.get_project(project.id) is None:
        cover, slug = project.cover_photo_id, project.slug
        while store.project_by_slug(project.slug) is not None:  # its address was taken meanwhile
            project.slug = f"{slug}-{new_id()[:4]}"
            note = f" Its address was taken meanwhile, so it is now /projects/{project.slug}."
        now = utcnow()
        project.publish_at = project.publish_at if project.publish_at > now else ""
        project.unpublish_at = project.unpublish_at if project.unpublish_at > now else ""
        schedule.add_entries(project, None)
        try:
            store.create_project(replace(project, cover_photo_id="", cover=None, version=0))
        except ConflictError as exc:
            raise ValidationError({"trash": str(exc)}) from None
        project.cover_photo_id = cover
    photos = list(trash.photos_of(entry))
    for photo in photos:
        _put_photo_back(photo)
    restored = modify_project(
        project.id, lambda current: setattr(current, "cover_photo_id", project.cover_photo_id)
    )
    restored = ensure_cover(restored.id) or restored  # it had none: its first ready photo, as always
    _put_back_in_order(
        [(p.id, p.order) for p in store.projects_in_category(restored.category)],
        restored.id,
        entry.project.order,
        lambda ids: store.reorder_projects(restored.category, ids),
    )
    _sync_featured(restored, previous=None)
    trash.forget(entry)
    record_activity(f"Restored project “{restored.title}” from the trash", project_id=restored.id)
    signals.project_saved.send(_app(), project=restored, previous=None)
    return f"Restored “{restored.title}” with its {len(photos)} photos.{note}"


def _restore_photo(entry: trash.Entry) -> str:
    store = services().store
    photo = entry.photo
    project = store.get_project(photo.project_id)
    if project is None:
        raise ValidationError(
            {"trash": f"Its project “{entry.project_title}” is not on the site: restore the project first."}
        )
    _put_photo_back(photo)
    _put_back_in_order(
        [(p.id, p.order) for p in store.photos_for_project(project.id)],
        photo.id,
        photo.order,
        lambda ids: store.reorder_photos(project.id, ids),
    )
    project = ensure_cover(project.id) or project
    trash.forget(entry)
    record_activity(f"Restored a photo of “{project.title}” from the trash", project_id=project.id)
    signals.photo_saved.send(_app(), photo=store.get_photo(photo.id), project=project)
    return f"Restored the photo to “{project.title}”."


def _put_photo_back(photo: Photo) -> None:
    if services().store.get_photo(photo.id) is not None:
        return  # restored already (a restore that stopped half-way and runs again)
    services().store.add_photo(replace(photo, version=0))
    if photo.status in ("queued", "processing"):  # its job may have stopped when it was deleted
        services().jobs.enqueue("photo.process", photo_id=photo.id)


def _put_back_in_order(
    listed: list[tuple[str, int]], item_id: str, old_order: int, reorder: Callable[[list[str]], None]
) -> None:
    """Move a restored item (stored at the end) back before the first item that came after it."""
    others = [(i, order) for i, order in listed if i != item_id]
    position = next((n for n, (_, order) in enumerate(others) if order > old_order), len(others))
    ids = [i for i, _ in others]
    ids.insert(position, item_id)
    if ids != [i for i, _ in listed]:
        reorder(ids)


def empty_from_trash(key: str) -> str:
    """Delete a trashed item and its files for good ("Delete forever")."""
    entry = trash.get(key)
    if entry is None:
        raise ValidationError({"trash": "This item is no longer in the trash."})
    trash.empty(entry)
    record_activity(f"Deleted “{entry.title}” forever")
    return f"Deleted “{entry.title}” and its files for good."


def sweep_trash() -> int:
    """Empty what has been in the trash longer than `SGOODIE_TRASH_DAYS` (the sweeper)."""
    return trash.sweep(current_app.config["TRASH_DAYS"])


TRASH_SWEEP = "trash.sweep"
TRASH_SWEEP_EVERY = 300.0
PUBLISH_SCHEDULED = "schedule.publish"


def register_jobs(jobs: JobRegistry, *, schedule_every: float) -> None:
    """The trash's sweeper and scheduled publishing, as periodic job kinds."""
    jobs.register(JobKind(TRASH_SWEEP, sweep_trash, every=TRASH_SWEEP_EVERY))
    jobs.register(JobKind(PUBLISH_SCHEDULED, run_schedule, every=schedule_every))


# -- scheduled publishing ------------------------------------------------------------------------
def run_schedule(now: str | None = None) -> int:
    """Publish and unpublish what is due (the runner calls this every `SCHEDULE_TICK` seconds).
    Each change is an ordinary save: a revision, the activity log, the cache and CDN purge."""
    changed = 0
    for entry in schedule.due(now or utcnow()):
        if entry.page_id:
            changed += _publish_page_change(entry)
            continue
        field = schedule.ACTIONS[entry.action]
        project = services().store.get_project(entry.project_id)
        if project is None or getattr(project, field) != entry.when:
            schedule.done(entry)  # stale: deleted, or rescheduled since
            continue
        edited = replace(project, published=entry.action == "publish", **{field: ""})
        try:
            save_project(edited, previous=project, note=f"Scheduled to {entry.action}")
        except StaleVersionError:
            continue  # someone saved meanwhile: the next tick reads their version
        except ValidationError as exc:
            modify_project(project.id, lambda current, name=field: setattr(current, name, ""))
            schedule.done(entry)
            record_activity(
                f"Could not {entry.action} “{project.title}” as scheduled: {' '.join(exc.errors.values())}",
                project_id=project.id,
            )
            continue
        changed += 1
    return changed


def _publish_page_change(entry: schedule.Due) -> int:
    pending = schedule.pending_page_change(entry.page_id)
    if pending is None or pending["when"] != entry.when:
        schedule.done(entry)  # cancelled or rescheduled since
        return 0
    current = services().store.get_pages([entry.page_id])[entry.page_id]
    try:
        save_page(
            with_fields(current, pending["fields"]), note=f"Scheduled change by {pending['who'] or 'someone'}"
        )
    except StaleVersionError:
        return 0  # saved meanwhile: the next tick applies the change to that version
    schedule.cancel_page_change(entry.page_id)
    return 1


def with_fields(page: Page, fields: dict) -> Page:
    """The page with these texts and search fields (a revision's, a scheduled change's); its photos
    and the featured order stay as they are."""
    edited = replace(page, content=dict(page.content))
    edited.content.update({k: v for k, v in fields.items() if k not in ("seo_title", "seo_description")})
    edited.seo_title = fields.get("seo_title", "")
    edited.seo_description = fields.get("seo_description", "")
    return edited


# -- revisions -----------------------------------------------------------------------------------
PROJECT_FIELDS = (
    "title",
    "slug",
    "category",
    "description",
    "location",
    "client",
    "published",
    "visibility",
    "gallery_expires_on",
    "featured",
    "cover_photo_id",
    "seo_title",
    "seo_description",
    "publish_at",
    "unpublish_at",
)
# Kept by the site itself, not typed: never part of a page's revision.
PAGE_DERIVED = ("featured_order",)


def revisions() -> Revisions:
    return Revisions(services().store.records, current_app.config["REVISIONS_KEEP"])


def project_fields(project: Project) -> dict:
    return {name: getattr(project, name) for name in PROJECT_FIELDS}


def page_fields(page: Page) -> dict:
    fields = {k: v for k, v in page.content.items() if k not in PAGE_DERIVED}
    return {**fields, "seo_title": page.seo_title, "seo_description": page.seo_description}


def settings_fields(settings: SiteSettings) -> dict:
    """What a settings revision keeps: texts and choices, not the logo (files: a replaced logo's
    are deleted, so an old revision could not bring them back)."""
    return {k: v for k, v in to_record(settings).items() if k not in ("version", "logo")}


def restore_revision(kind: str, item_id: str, key: str) -> None:
    """Save a revision's fields again: itself a new revision, purged like any save. Photos stay
    as they are now (a revision keeps texts and choices, not files)."""
    revision = revisions().get(kind, item_id, key)
    if revision is None:
        raise ValidationError({"revision": "This revision is no longer kept."})
    note = f"Restored the version of {revision.at[:16].replace('T', ' ')} UTC"
    values = revision.fields
    if kind == "project":
        current = services().store.get_project(item_id)
        if current is None:
            raise ValidationError({"revision": "This project no longer exists."})
        known = {k: v for k, v in values.items() if k in PROJECT_FIELDS}
        save_project(replace(current, **known), previous=current, note=note)
    elif kind == "page":
        save_page(with_fields(services().store.get_pages([item_id])[item_id], values), note=note)
    elif kind == "settings":
        base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
        current = SiteSettings.from_page(base)
        known = {k: v for k, v in values.items() if k in settings_fields(current)}
        save_settings(replace(current, **known), base, note=note)
    else:
        raise ValidationError({"revision": "Unknown kind of revision."})


# -- activity ------------------------------------------------------------------------------------
def current_editor() -> str:
    """The signed-in admin's email ("" for the runner, the CLI, jobs)."""
    return getattr(current_user, "email", "") if _has_user() else ""


_who = current_editor


def record_activity(what: str, **details: str) -> None:
    """A line in the dashboard's recent changes: what, who, when."""
    who = _who()
    key = f"{utcnow()}#{new_id()[:8]}"
    services().store.records.put(
        ACTIVITY,
        key,
        {"what": what, "who": who, **details},
        expires_at=int(time.time()) + ACTIVITY_KEEP_SECONDS,
    )


def recent_activity(limit: int = 12) -> list[dict]:
    return [
        {"at": key.split("#", 1)[0], **data}
        for key, data in services().store.records.query(ACTIVITY, newest_first=True, limit=limit)
    ]


def _has_user() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # outside a request (CLI, jobs)
        return False


def _app():
    return current_app._get_current_object()
