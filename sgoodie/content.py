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

from . import signals
from .accounts import hash_password
from .blobs import IMMUTABLE, page_variant_prefix, project_prefixes, variant_prefix
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
    SiteSettings,
    ValidationError,
    focal_errors,
    new_id,
    slugify,
    utcnow,
)
from .images.logo import logo_files
from .services import services, stored_categories
from .stores import StaleVersionError
from .stores.ordering import move_item

ACTIVITY = "activity"
T = TypeVar("T")
ACTIVITY_KEEP_SECONDS = 90 * 24 * 3600


# -- projects ------------------------------------------------------------------------------------
def create_project(project: Project) -> Project:
    project.validate(services().categories)
    if project.published:
        project.published_at = utcnow()
    stored = services().store.create_project(project)
    _sync_featured(stored, previous=None)
    record_activity(f"Created project “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(_app(), project=stored, previous=None)
    return stored


def save_project(project: Project, previous: Project) -> Project:
    """Save an edited project. `previous` is the version the editor started from; a concurrent
    change raises StaleVersionError. Publishing requires alt text on every ready photo."""
    photos = services().store.photos_for_project(project.id)
    project.validate(services().categories, photos)
    if not project.cover_photo_id:
        project.cover_photo_id = _first_ready(photos)
    if project.published and not previous.published_at:
        project.published_at = utcnow()
    stored = services().store.update_project(project)
    _sync_featured(stored, previous=previous)
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
    """Remove the project, its photos and every stored file of theirs."""
    photos = services().store.delete_project(project.id)
    for prefix in project_prefixes(project.id):
        services().blobs.delete_prefix(prefix)
    _sync_featured(replace(project, featured=False), previous=project)
    record_activity(f"Deleted project “{project.title}” and its {len(photos)} photos")
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
    """Remove the photo, its original and every variant."""
    project = services().store.get_project(photo.project_id)
    services().store.delete_photo(photo.id)
    keys = [photo.original_key] if photo.original_key else []
    services().blobs.delete_many(keys)
    for private in (False, True):
        services().blobs.delete_prefix(variant_prefix(photo.project_id, photo.id, private=private))
    if project is not None and project.cover_photo_id == photo.id:
        ensure_cover(project.id)  # the store cleared the cover with the photo
    if project is not None:
        record_activity(f"Deleted a photo from “{project.title}”", project_id=project.id)
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
def save_page(page: Page) -> Page:
    if len(page.images.get("gallery") or []) > GALLERY_MAX:
        raise ValidationError({"gallery": GALLERY_FULL})
    stored = services().store.save_page(page)
    record_activity(f"Edited the {page.id.replace('-', ' ')} page")
    signals.page_saved.send(_app(), page=stored)
    return stored


def save_settings(settings: SiteSettings, base: Page) -> SiteSettings:
    """Save the settings; a logo they no longer name (replaced or removed) loses its files."""
    settings.validate()
    stored = services().store.save_page(settings.to_page(base))
    record_activity("Edited the site settings")
    saved = SiteSettings.from_page(stored)
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


# -- activity ------------------------------------------------------------------------------------
def record_activity(what: str, **details: str) -> None:
    """A line in the dashboard's recent changes: what, who, when."""
    who = getattr(current_user, "email", "") if _has_user() else ""
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
