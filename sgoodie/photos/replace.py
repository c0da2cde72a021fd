"""Replacing a project photo's original (a re-edited file sent again by a publishing client): the
same photo, with its id, alt text, caption, focal point, order and own credit, gets new files.

`start_replacement` puts the photo in `replacing` with a new original's key of its own (never the
current one's: CloudFront and browsers keep what they fetched) and a single-use upload
(`uploads.upload_target`). When the file arrives, `uploads.mark_uploaded` checks it and queues the
photo's one job (`processing.process`), which renders the new original beside the current files;
visitors keep the current files until the new ones are in place, then the old original and its
renditions are deleted. A file that cannot be used (not the size announced, not an image, a render
that fails) is dropped with its reason in the photo's `error`, and the photo goes on with the files
it had (`lifecycle.drop_replacement`); so does an upload never sent (`cancel_replacement`, and the
sweep after a day).
"""

from __future__ import annotations

from ..blobs import original_key
from ..domain import Photo, PhotoStatus, Replacement, ValidationError, new_id
from ..services import services
from . import homes, lifecycle
from .lifecycle import TransitionRefused, set_status

#: What a replacement may start from: a photo with its files, a failed one, or one whose earlier
#: replacement is still waiting for its file (that upload is given up for the new one).
REPLACEABLE = (PhotoStatus.READY, PhotoStatus.FAILED, PhotoStatus.REPLACING)


def start_replacement(
    photo: Photo, filename: str, content_type: str, extension: str, size: int, *, sha256: str = ""
) -> Photo:
    """Wait for a new original of this project photo (upload it to `uploads.upload_target(photo)`).
    Raises ValidationError (no name, a size of nothing or over the limit), TransitionRefused (the
    photo is still uploading or being processed)."""
    if photo.page_id:
        raise ValidationError({"photo": "A page's own photo is replaced with its page's form."})
    limit = services().config["MAX_UPLOAD_BYTES"]
    if not filename.strip():
        raise ValidationError({"filename": "The file needs a name."})
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= limit:
        raise ValidationError(
            {"size": f"Give the file's size in bytes: more than 0 and at most {limit // 1048576} MB."}
        )
    new = Replacement(
        key=original_key(photo.project_id, photo.id, extension, new_id()[:8]),
        filename=filename.strip()[:200],
        content_type=content_type,
        size=size,
        sha256=sha256,
    )
    given_up: list[str] = []

    def wait_for_file(current: Photo) -> None:
        if current.status not in REPLACEABLE:
            raise TransitionRefused(
                f"This photo is {current.status}; its original can be replaced once it is ready."
            )
        if current.replacement is not None:
            given_up.append(current.replacement.key)
        error = "" if current.status != PhotoStatus.FAILED else current.error  # a failed one stays explained
        set_status(current, PhotoStatus.REPLACING, replacement=new, error=error)

    waiting = homes.modify_project_photo(photo.id, wait_for_file)
    if waiting is None:
        raise ValidationError({"photo": "This photo no longer exists."})
    services().blobs.delete_many(given_up)  # an earlier upload nobody finished
    return waiting


def cancel_replacement(photo: Photo) -> Photo:
    """Give up a replacement whose file has not arrived: the photo is as it was before. Raises
    TransitionRefused once the file arrived (its job decides then)."""
    current = services().store.get_photo(photo.id)
    if current is None:
        raise ValidationError({"photo": "This photo no longer exists."})
    if current.status != PhotoStatus.REPLACING:
        raise TransitionRefused(f"This photo is {current.status}: no replacement waits for its file.")
    settled = lifecycle.drop_replacement(current)
    if settled is None:
        raise ValidationError({"photo": "This photo no longer exists."})
    return settled
