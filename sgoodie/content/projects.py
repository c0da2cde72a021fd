"""Changing projects: create, edit, publish, delete (to the trash) and restore, reorder, the cover
rule and the home page's featured order. Each change validates, keeps a revision, logs the
activity and sends `project_saved` (or `project_deleted`, `projects_reordered`), which the page
cache and the photo's life (a client gallery's files moving to private storage) react to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .. import signals
from ..domain import Page, Photo, Project, ValidationError, new_id, utcnow
from ..services import services
from ..stores import ConflictError
from ..stores.ordering import put_back
from . import activity, pages, revisions, schedule, trash
from .changes import retrying, sender


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


def create(project: Project) -> Project:
    project.validate(services().categories)
    _check_schedule(project, None)
    if project.published:
        project.published_at = utcnow()
    schedule.add_entries(project, None)
    stored = services().store.create_project(project)
    _sync_featured(stored, previous=None)
    activity.record(f"Created project “{stored.title}”", project_id=stored.id)
    revisions.store().record(
        "project", stored.id, revisions.project_fields(stored), activity.editor(), "Created"
    )
    signals.project_saved.send(sender(), project=stored, previous=None)
    return stored


def save(project: Project, previous: Project, *, note: str = "") -> Project:
    """Save an edited project. `previous` is the version the editor started from; a concurrent
    change raises StaleVersionError. Publishing requires alt text on every ready photo. Every
    save keeps a revision (`note` says why, when it was not an edit)."""
    photos = services().store.photos_for_project(project.id)
    project.validate(services().categories, photos)
    _check_schedule(project, previous)
    if not project.cover_photo_id:
        project.cover_photo_id = first_ready(photos)
    if project.published and not previous.published_at:
        project.published_at = utcnow()
    if previous.is_private and not project.is_private:  # every grant and signed link of the gallery ends
        project.gallery_epoch += 1
    schedule.add_entries(project, previous)
    stored = services().store.update_project(project)
    schedule.drop_entries(stored, previous)
    _sync_featured(stored, previous=previous)
    revisions.store().record("project", stored.id, revisions.project_fields(stored), activity.editor(), note)
    change = (
        "Published"
        if stored.published and not previous.published
        else "Unpublished"
        if previous.published and not stored.published
        else "Edited"
    )
    activity.record(f"{change} project “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(sender(), project=stored, previous=previous)
    return stored


def modify(project_id: str, change: Callable[[Project], None]) -> Project:
    """Apply a targeted change to the latest version of a project (see `changes.retrying`)."""
    project = retrying(
        lambda: services().store.get_project(project_id),
        services().store.update_project,
        change,
        "the project",
    )
    if project is None:
        raise ValidationError({"project": "This project no longer exists."})
    return project


def delete(project: Project) -> list[Photo]:
    """Move the project and its photos to the trash: gone from the site at once (the signal
    purges its pages), files kept until the trash is emptied. The trash remembers its place among
    the featured projects, so a restore puts it back there."""
    photos = services().store.photos_for_project(project.id)
    featured = _featured_order()
    position = featured.index(project.id) if project.id in featured else None
    entry = trash.put_project(project, photos, activity.editor(), featured_position=position)
    photos = services().store.delete_project(project.id)
    trash.hide(entry)
    schedule.drop_entries(None, project)
    _sync_featured(replace(project, featured=False), previous=project)
    activity.record(f"Moved project “{project.title}” and its {len(photos)} photos to the trash")
    signals.project_deleted.send(sender(), project=project, photos=photos)
    return photos


def reorder(category: str, ordered_ids: Sequence[str]) -> None:
    services().store.reorder_projects(category, ordered_ids)
    activity.record(f"Reordered {services().categories.get(category, category)} projects")
    signals.projects_reordered.send(sender(), category=category, project_ids=list(ordered_ids))


def move(project: Project, step: int) -> None:
    """Move one place up (-1) or down (+1) within its category (the no-JavaScript reorder): it
    trades places with its neighbour, the only project read."""
    store = services().store
    side = {"before": project.order} if step < 0 else {"after": project.order}
    neighbour = store.projects_page(project.category, limit=1, **side)
    if not neighbour:
        return
    store.swap_projects(project.category, project.id, neighbour[0].id)
    activity.record(f"Reordered {services().categories.get(project.category, project.category)} projects")
    ids = [project.id, neighbour[0].id] if step < 0 else [neighbour[0].id, project.id]
    signals.projects_reordered.send(sender(), category=project.category, project_ids=ids)


def _featured_order() -> list[str]:
    return list(services().store.get_pages(["home"])["home"].content.get("featured_order", []))


def _sync_featured(project: Project, previous: Project | None, *, position: int | None = None) -> None:
    """Keep the home page's featured order in step with the project's `featured` flag; a project
    newly featured goes last, or at `position` (where it was before it went to the trash)."""
    was = bool(previous and previous.featured)
    if project.featured == was:
        return

    def change(page: Page) -> None:
        order = [pid for pid in page.content.get("featured_order", []) if pid != project.id]
        if project.featured:
            order.insert(len(order) if position is None else position, project.id)
        page.content["featured_order"] = order

    pages.modify("home", change)


# -- the cover rule ------------------------------------------------------------------------------
def set_cover(project: Project, photo_id: str) -> Project:
    """Make a photo the project's cover (no version check: choosing a cover never loses work)."""

    def change(current: Project) -> None:
        current.cover_photo_id = photo_id

    stored = modify(project.id, change)
    activity.record(f"Changed the cover of “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(sender(), project=stored, previous=project)
    return stored


def ensure_cover(project_id: str) -> Project | None:
    """The cover rule, in one place: a project without a cover shows its first ready photo.
    Called when a photo becomes ready and when the cover photo is deleted."""
    store = services().store
    project = store.get_project(project_id)
    if project is None or project.cover_photo_id:
        return project
    first = first_ready(store.photos_for_project(project_id))
    if not first:
        return project

    def choose(current: Project) -> None:
        if not current.cover_photo_id:
            current.cover_photo_id = first

    try:
        return modify(project_id, choose)
    except ValidationError:  # the project was deleted meanwhile
        return None


def first_ready(photos: Sequence[Photo]) -> str:
    """The first photo visitors see (described), else the first ready one (a draft's, say)."""
    return next((p.id for p in photos if p.is_shown), "") or next((p.id for p in photos if p.is_ready), "")


# -- back from the trash and from a revision -----------------------------------------------------
@trash.restorer("project")
def restore_from_trash(entry: trash.Entry) -> str:
    """Put a trashed project back with its photos in their order, its cover, its place in the
    category and among the featured projects; returns what happened, in words. The files never
    left."""
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
        trash.put_photo_back(photo)
    restored = modify(project.id, lambda current: setattr(current, "cover_photo_id", project.cover_photo_id))
    restored = ensure_cover(restored.id) or restored  # it had none: its first ready photo, as always
    in_order = put_back(
        [(p.id, p.order) for p in store.projects_in_category(restored.category)],
        restored.id,
        entry.project.order,
    )
    if in_order:
        store.reorder_projects(restored.category, in_order)
    _sync_featured(restored, previous=None, position=entry.featured_position)
    trash.forget(entry)
    activity.record(f"Restored project “{restored.title}” from the trash", project_id=restored.id)
    signals.photos_restored.send(sender(), photos=photos)
    signals.project_saved.send(sender(), project=restored, previous=None)
    return f"Restored “{restored.title}” with its {len(photos)} photos.{note}"


@revisions.restorer("project")
def restore_revision(project_id: str, key: str) -> None:
    """Save a revision's fields again (photos stay as they are now)."""
    revision, note = revisions.find("project", project_id, key)
    current = services().store.get_project(project_id)
    if current is None:
        raise ValidationError({"revision": "This project no longer exists."})
    known = {k: v for k, v in revision.fields.items() if k in revisions.PROJECT_FIELDS}
    save(replace(current, **known), previous=current, note=note)
