"""How a photo's original arrives: a project's photo straight from the browser to storage (the media
API registers it, the browser posts the file, the callback checks it and queues its job), and a
page's own photo with its page's form (stored, checked, then queued once the page is saved)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from ..blobs import original_key, page_original_key
from ..domain import Photo, PhotoStatus, new_id
from ..image_formats import INPUT_LABEL
from ..images import ImageError, detect_format
from ..images.formats import SNIFF_BYTES
from ..services import services
from ..stores.ordering import put_back
from . import lifecycle
from .lifecycle import TransitionRefused


class NotArrived(Exception):
    """The upload callback came before the file reached storage."""


def register_upload(
    project_id: str, filename: str, content_type: str, extension: str, size: int, before: str = ""
) -> Photo:
    """A photo the browser is about to send straight to storage. Its place in the project is
    taken now, not when its upload ends: after the project's photos, or just before the photo
    `before` (an upload tried again goes back among the files picked with it)."""
    photo = Photo(
        project_id=project_id,
        status=PhotoStatus.UPLOADING,
        filename=filename,
        content_type=content_type,
        size=size,
    )
    photo.original_key = original_key(project_id, photo.id, extension)
    store = services().store
    stored = store.add_photo(photo)
    if before:
        listed = [(p.id, p.order) for p in store.photos_for_project(project_id)]
        following = next((order for photo_id, order in listed if photo_id == before), None)
        if following is not None:
            in_order = put_back(listed, stored.id, following - 1)
            try:
                if in_order:
                    store.reorder_photos(project_id, in_order)
                    stored = store.get_photo(stored.id) or stored
            except ValueError:  # the project's photos changed meanwhile: it stays last
                pass
    return stored


@dataclass
class Arrival:
    photo: Photo | None  # None: deleted meanwhile
    refused: bool = False  # the file arrived but cannot be used (the photo is now failed)


def mark_uploaded(photo: Photo) -> Arrival:
    """The file is in storage: check it and queue the job. Calling it twice is harmless (the
    browser's callback and the S3 event may both arrive). Raises NotArrived."""
    if photo.status != PhotoStatus.UPLOADING:
        return Arrival(photo)
    blobs = services().blobs
    info = blobs.head(photo.original_key)
    if info is None:
        current = services().store.get_photo(photo.id)
        if current is None or current.status != PhotoStatus.UPLOADING:  # another callback settled it
            return Arrival(current, refused=current is not None and current.status == PhotoStatus.FAILED)
        raise NotArrived("The file has not arrived in storage yet; finish the upload first.")
    limit = services().config["MAX_UPLOAD_BYTES"]
    if info.size != photo.size or info.size > limit:
        failed = lifecycle.fail(
            photo,
            f"The stored file is {info.size} bytes, not the {photo.size} bytes announced. Upload it again.",
        )
        blobs.delete_many([photo.original_key])
        return Arrival(failed, refused=True)
    with blobs.open(photo.original_key) as fh:
        head = fh.read(SNIFF_BYTES)
    if detect_format(head) is None:
        failed = lifecycle.fail(photo, f"{photo.filename} is not an image we can read ({INPUT_LABEL}).")
        return Arrival(failed, refused=True)
    try:
        queued = lifecycle.transition(photo, PhotoStatus.QUEUED)
    except TransitionRefused:  # the other notification won the race: it queued the job
        return Arrival(services().store.get_photo(photo.id))
    if queued is not None:
        lifecycle.queue(queued)
    return Arrival(queued)


def store_page_upload(page_id: str, stream: BinaryIO, alt: str) -> Photo:
    """Keep an uploaded page photo's file and describe it as a queued page photo. The file is only
    streamed to storage and its first bytes checked; the variants are made by the job once the
    page is saved (`pages.queue_uploaded`). Raises ImageError for a file that is no image."""
    limit = services().config["MAX_UPLOAD_BYTES"]
    head = stream.read(SNIFF_BYTES)
    extension = detect_format(head)
    if extension is None:
        raise ImageError(f"That file is not an image we can read ({INPUT_LABEL}).")
    photo = Photo(project_id="", page_id=page_id, id=new_id(), status=PhotoStatus.QUEUED, alt_text=alt)
    photo.validate()
    photo.original_key = page_original_key(page_id, photo.id, extension)
    try:
        photo.size = services().blobs.put_stream(
            photo.original_key, _Prepended(head, stream), max_bytes=limit
        )
    except ValueError:
        raise ImageError(f"The file is larger than the {limit // (1024 * 1024)} MB allowed.") from None
    return photo


class _Prepended:
    """A stream whose first bytes were already read (to recognise the format)."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head, self._rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            if len(data) < size:
                data += self._rest.read(size - len(data))
            return data
        return self._rest.read(size)
