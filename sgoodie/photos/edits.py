"""The photographer's changes to a project's photos: alt text and caption, credit, focal point,
order, moving to the trash and back. Each sends `photo_saved` (or `photo_deleted`,
`photos_reordered`), which purges the pages that show the photo."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .. import signals
from ..content import activity, projects, trash
from ..content.changes import retrying, sender
from ..domain import Photo, Project, Rights, ValidationError, focal_errors
from ..services import services
from ..stores.ordering import move_item, put_back


def modify(photo_id: str, change: Callable[[Photo], None]) -> Photo | None:
    """Apply a change to the latest version of a photo (see `content.changes.retrying`). None when
    the photo has been deleted meanwhile."""
    return retrying(
        lambda: services().store.get_photo(photo_id), services().store.update_photo, change, "the photo"
    )


def update_text(photo: Photo, alt_text: str, caption: str) -> Photo:
    updated = replace(photo, alt_text=alt_text.strip(), caption=caption.strip())
    updated.validate()
    stored = services().store.update_photo(updated)
    signals.photo_saved.send(sender(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def update_rights(photo: Photo, override: Rights) -> Photo:
    """A photo's own credit and licensing (each field set wins over the original's and the site's)."""
    override.validate("rights_")
    updated = replace(photo, rights_override=override.to_dict())
    stored = services().store.update_photo(updated)
    project = services().store.get_project(stored.project_id)
    if project is not None:
        activity.record(f"Edited the credit of a photo in “{project.title}”", project_id=project.id)
    signals.photo_saved.send(sender(), photo=stored, project=project)
    return stored


def set_focal_point(photo: Photo, focal_x: float, focal_y: float) -> Photo:
    """Where the photo's subject is: every crop of it on the site keeps that point in view. No
    version check: the latest photo gets the point (placing it never loses anyone's text)."""
    errors = focal_errors(focal_x, focal_y)
    if errors:
        raise ValidationError(errors)

    def change(current: Photo) -> None:
        current.focal_x, current.focal_y = float(focal_x), float(focal_y)

    stored = modify(photo.id, change)
    if stored is None:
        raise ValidationError({"photo": "This photo no longer exists."})
    signals.photo_saved.send(sender(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def delete(photo: Photo) -> None:
    """Move the photo to the trash (its original and variants stay until the trash is emptied)."""
    project = services().store.get_project(photo.project_id)
    trash.put_photo(photo, project, activity.editor())
    services().store.delete_photo(photo.id)
    if project is not None and project.cover_photo_id == photo.id:
        projects.ensure_cover(project.id)  # the store cleared the cover with the photo
    if project is not None:
        activity.record(f"Moved a photo of “{project.title}” to the trash", project_id=project.id)
    # The project as it was: when this photo was its cover, every card showing it must go too.
    signals.photo_deleted.send(sender(), photo=photo, project=project)


def reorder(project: Project, ordered_ids: Sequence[str]) -> None:
    services().store.reorder_photos(project.id, ordered_ids)
    activity.record(f"Reordered the photos of “{project.title}”", project_id=project.id)
    signals.photos_reordered.send(sender(), project=project)


def move(photo: Photo, step: int) -> None:
    project = services().store.get_project(photo.project_id)
    ids = [p.id for p in services().store.photos_for_project(photo.project_id)]
    reorder(project, move_item(ids, photo.id, step))


@trash.restorer("photo")
def restore_from_trash(entry: trash.Entry) -> str:
    """Put a trashed photo back in its place among its project's photos; says what happened."""
    store = services().store
    photo = entry.photo
    project = store.get_project(photo.project_id)
    if project is None:
        raise ValidationError(
            {"trash": f"Its project “{entry.project_title}” is not on the site: restore the project first."}
        )
    trash.put_photo_back(photo)
    in_order = put_back(
        [(p.id, p.order) for p in store.photos_for_project(project.id)], photo.id, photo.order
    )
    if in_order:
        store.reorder_photos(project.id, in_order)
    project = projects.ensure_cover(project.id) or project
    trash.forget(entry)
    activity.record(f"Restored a photo of “{project.title}” from the trash", project_id=project.id)
    signals.photos_restored.send(sender(), photos=[photo])
    signals.photo_saved.send(sender(), photo=store.get_photo(photo.id), project=project)
    return f"Restored the photo to “{project.title}”."
