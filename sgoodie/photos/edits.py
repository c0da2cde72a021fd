"""The photographer's changes to photos: alt text and caption, credit, focal point, order, moving to
the trash and back. A project's photo is changed here and sends `photo_saved` (or
`photo_deleted`, `photos_reordered`), which purges the pages that show it; a page's own photo
changes with its page's form (`photos.pages`), through the same rules (`with_text`,
`with_focal_point`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .. import signals
from ..content import activity, projects, trash
from ..content.changes import sender
from ..domain import (
    ALT_TEXT_MAX,
    CAPTION_MAX,
    Photo,
    PhotoStatus,
    Project,
    Rights,
    ValidationError,
    focal_errors,
    shortened,
)
from ..services import services
from ..stores import StaleVersionError
from ..stores.ordering import move_item, put_back
from ..text import photos_count
from . import homes


def with_text(photo: Photo, alt_text: str, caption: str | None = None) -> Photo:
    """The photo with this alt text (and caption), checked: the one rule for a project's photo and
    a page's alike (alt text and caption within their lengths). A text typed over the one taken
    from the file is the photographer's own from then on."""
    changed = replace(
        photo, alt_text=alt_text.strip(), caption=photo.caption if caption is None else caption.strip()
    )
    changed.alt_text_from_file = photo.alt_text_from_file and changed.alt_text == photo.alt_text
    changed.caption_from_file = photo.caption_from_file and changed.caption == photo.caption
    changed.validate()
    return changed


def with_file_text(photo: Photo) -> Photo | None:
    """The photo with what its file proposes as alt text (and caption) taken, marked as the file's;
    None when it proposes nothing (it has alt text, or its file carried no words)."""
    alt_text, caption = photo.proposed_alt_text, photo.proposed_caption
    if not alt_text:
        return None
    accepted = with_text(photo, alt_text, caption or None)
    accepted.alt_text_from_file = True
    accepted.caption_from_file = bool(caption) or photo.caption_from_file
    return accepted


def with_focal_point(photo: Photo, focal_x: float, focal_y: float) -> Photo:
    """The photo with its subject at this point (fractions of its width and height): every crop
    of it on the site keeps the point in view. The one rule for projects' and pages' photos."""
    errors = focal_errors(focal_x, focal_y)
    if errors:
        raise ValidationError(errors)
    return replace(photo, focal_x=float(focal_x), focal_y=float(focal_y))


def update_text(photo: Photo, alt_text: str, caption: str) -> Photo:
    stored = services().store.update_photo(with_text(photo, alt_text, caption))
    signals.photo_saved.send(sender(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def set_text_from_file(photo: Photo, title: str, description: str) -> Photo:
    """The words a photo's file carries (its IPTC/XMP title and description, as a publishing client
    read them): kept as `file_title`/`file_description`, and offered as alt text (the title, else
    the description) and caption (the description) where the photo has none, or has the file's
    words from before (`alt_text_from_file`, `caption_from_file`). Never over what the photographer
    typed; a file's words removed leave the text in place (the photo stays described). Too long
    words are cut at a word. Nothing is written when nothing changes (a sync run again)."""
    title, description = " ".join(title.split()), " ".join(description.split())

    def change(current: Photo) -> None:
        current.file_title, current.file_description = title, description
        alt = shortened(title or description, ALT_TEXT_MAX)
        if alt and (current.alt_text_from_file or not current.alt_text.strip()):
            current.alt_text, current.alt_text_from_file = alt, True
        caption = shortened(description, CAPTION_MAX)
        if caption and (current.caption_from_file or not current.caption.strip()):
            current.caption, current.caption_from_file = caption, True

    wanted = replace(photo)
    change(wanted)
    if wanted == photo:
        return photo
    stored = homes.modify_project_photo(photo.id, change)
    if stored is None:
        raise ValidationError({"photo": "This photo no longer exists."})
    signals.photo_saved.send(sender(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def use_file_text(photo: Photo) -> Photo | None:
    """Accept what the photo's file proposes (its title or description as alt text, its
    description as caption): saved like typed text, and shown to visitors from then on. None when
    it proposes nothing now."""
    accepted = with_file_text(photo)
    if accepted is None:
        return None
    stored = services().store.update_photo(accepted)
    signals.photo_saved.send(sender(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def use_file_texts(project: Project, photos: Sequence[Photo]) -> list[Photo]:
    """Accept the proposals of every photo listed that has one (the bulk "Use the file's titles");
    a photo someone changed meanwhile keeps their change. The photos accepted."""
    accepted = []
    for photo in photos:
        try:
            stored = use_file_text(photo)
        except StaleVersionError:
            continue
        if stored is not None:
            accepted.append(stored)
    if accepted:
        activity.record(
            f"Used the file's titles as alt text for {photos_count(len(accepted))} of “{project.title}”",
            project_id=project.id,
        )
    return accepted


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
    """Place a project photo's focal point. No version check: the latest photo gets the point
    (placing it never loses anyone's text)."""
    placed = with_focal_point(photo, focal_x, focal_y)

    def change(current: Photo) -> None:
        current.focal_x, current.focal_y = placed.focal_x, placed.focal_y

    stored = homes.modify_project_photo(photo.id, change)
    if stored is None:
        raise ValidationError({"photo": "This photo no longer exists."})
    signals.photo_saved.send(sender(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def delete(photo: Photo) -> None:
    """Move the photo to the trash (its original and variants stay until the trash is emptied; a
    new original still on its way is given up, and the photo trashed as it was before).
    ValidationError when it is no longer on the site (a second request to delete it)."""
    photo = services().store.get_photo(photo.id)  # the trash keeps its latest text
    if photo is None:
        raise ValidationError({"photo": "This photo is no longer on the site (it may be in the trash)."})
    project = services().store.get_project(photo.project_id)
    if photo.status == PhotoStatus.REPLACING and photo.replacement is not None:
        services().blobs.delete_many([photo.replacement.key])
        photo = replace(
            photo, status=PhotoStatus.READY if photo.variants else PhotoStatus.FAILED, replacement=None
        )
    entry = trash.put_photo(photo, project, activity.editor())
    services().store.delete_photo(photo.id)
    trash.hide(entry)
    if project is not None and project.cover_photo_id == photo.id:
        projects.ensure_cover(project.id)  # the store cleared the cover with the photo
    if project is not None:
        activity.record(f"Moved a photo of “{project.title}” to the trash", project_id=project.id)
    # The project as it was: when this photo was its cover, every card showing it must go too.
    signals.photo_deleted.send(sender(), photo=photo, project=project)


def reorder(project: Project, ordered_ids: Sequence[str]) -> None:
    """Put the project's photos in this order. A partial list reorders the photos it names among
    the places they hold, the others keeping theirs (a publishing client orders its own photos,
    not those added in the admin). ValidationError for an id not in the project or named twice."""
    current = [p.id for p in services().store.photos_for_project(project.id)]
    known = set(current)
    unknown = [photo_id for photo_id in ordered_ids if photo_id not in known]
    if unknown:
        raise ValidationError(
            {
                "order": f"Not photos of “{project.title}” (deleted, or of another project): {', '.join(unknown[:5])}."
            }
        )
    if len(set(ordered_ids)) != len(ordered_ids):
        raise ValidationError({"order": "The order names a photo more than once."})
    listed, wanted = set(ordered_ids), iter(ordered_ids)
    in_order = [next(wanted) if photo_id in listed else photo_id for photo_id in current]
    if in_order == current:
        return
    services().store.reorder_photos(project.id, in_order)
    activity.record(f"Reordered the photos of “{project.title}”", project_id=project.id)
    signals.photos_reordered.send(sender(), project=project)


def move(photo: Photo, step: int) -> None:
    project = services().store.get_project(photo.project_id)
    ids = [p.id for p in services().store.photos_for_project(photo.project_id)]
    reorder(project, move_item(ids, photo.id, step))


def _project_is_back(entry: trash.Entry) -> None:
    if services().store.get_project(entry.photo.project_id) is None:
        raise ValidationError(
            {"trash": f"Its project “{entry.project_title}” is not on the site: restore the project first."}
        )


@trash.restorer("photo", check=_project_is_back)
def restore_from_trash(entry: trash.Entry) -> str:
    """Put a trashed photo back in its place among its project's photos; says what happened."""
    store = services().store
    photo = entry.photo
    project = store.get_project(photo.project_id)
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
