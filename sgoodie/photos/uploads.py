"""How a photo's original arrives: a project's photo straight from the client to storage (it is
registered, the client posts the file to `upload_target`, the callback checks it and queues its
job), and a page's own photo with its page's form (stored, checked, then queued once the page is
saved).

The upload target is the blob store's presigned POST: on S3 the bucket; on the embedded default the
app's own upload endpoint with the same shape (a URL and form fields, the token signed and
expiring), so every client is the same code on both backends. A grant is good for one upload of a
photo that still awaits its file (`uploading`, or `replacing` with a new original's key): once the
file is stored (or the photo was checked, failed or deleted), the same token is refused, so nobody
can replace an original after it was checked. The first upload claims the key in the records
store (an atomic increment, on both backends); a second one finds the claim taken."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, BinaryIO

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired

from ..blobs import original_key, original_owner, page_original_key
from ..blobs.local import UploadSigner
from ..domain import Photo, PhotoStatus, ValidationError, external_id_error, new_id
from ..image_formats import INPUT_LABEL
from ..images import ImageError, detect_format
from ..images.formats import SNIFF_BYTES
from ..services import services
from ..stores import ConflictError
from . import lifecycle
from .lifecycle import TransitionRefused

UPLOAD_SECONDS = 15 * 60
#: Records collection of keys an upload was sent to (expires with the grant).
CLAIMS = "upload-claims"


class NotArrived(Exception):
    """The upload callback came before the file reached storage."""


class UploadRefused(Exception):
    def __init__(self, message: str, status: int = 400):
        self.status = status
        super().__init__(message)


def register_upload(
    project_id: str,
    filename: str,
    content_type: str,
    extension: str,
    size: int,
    *,
    external_id: str = "",
    sha256: str = "",
) -> Photo:
    """A photo the client is about to send straight to storage. Raises NotFoundError (no such
    project), ValidationError (a bad external id), ConflictError (a taken one)."""
    photo = Photo(
        project_id=project_id,
        status=PhotoStatus.UPLOADING,
        filename=filename,
        content_type=content_type,
        size=size,
        external_id=external_id,
        source_sha256=sha256,
    )
    if problem := external_id_error(external_id):
        raise ValidationError({"external_id": problem})
    photo.original_key = original_key(project_id, photo.id, extension)
    return services().store.add_photo(photo)


def find_or_register(
    project_id: str,
    external_id: str,
    filename: str,
    content_type: str,
    extension: str,
    size: int,
    *,
    sha256: str = "",
) -> tuple[Photo, bool]:
    """The project's photo with this client key (created False), else a new one about to be
    uploaded (created True): a sync run again after an interruption finds what it sent. Two calls
    racing with one key get one photo (the store's unique key decides). The photo found may still
    await its file (`uploading`): its file may have arrived without the callback, so try
    `mark_uploaded` before asking for another `upload_target`."""
    if not external_id:
        raise ValidationError({"external_id": "Give the photo's external id (the client's key for it)."})
    if problem := external_id_error(external_id):
        raise ValidationError({"external_id": problem})
    store = services().store
    for _ in range(3):  # a key freed (its photo trashed) between the refusal and the lookup
        found = store.photo_by_external_id(project_id, external_id)
        if found is not None:
            return found, False
        try:
            return register_upload(
                project_id, filename, content_type, extension, size, external_id=external_id, sha256=sha256
            ), True
        except ConflictError:
            continue
    raise ConflictError("external_id", f"The external id {external_id!r} keeps changing hands; try again.")


def awaited_key(photo: Photo) -> str | None:
    """Where the file a photo waits for goes: its original while `uploading`, its new original
    while `replacing`; None when it waits for none."""
    if photo.status == PhotoStatus.UPLOADING:
        return photo.original_key
    if photo.status == PhotoStatus.REPLACING and photo.replacement is not None:
        return photo.replacement.key
    return None


def upload_target(photo: Photo) -> dict[str, Any]:
    """{method, url, fields, expires_at}: POST the fields plus `file` as multipart/form-data, once,
    before `expires_at` (epoch seconds), with the announced type and at most the site's upload
    limit. Raises UploadRefused for a photo that waits for no file."""
    key = awaited_key(photo)
    if key is None:
        raise UploadRefused(f"This photo is {photo.status}: it takes no upload now.", 409)
    content_type = photo.replacement.content_type if photo.replacement else photo.content_type
    expires_at = int(time.time()) + UPLOAD_SECONDS
    post = services().blobs.presigned_post(
        key,
        content_type=content_type,
        max_bytes=services().config["MAX_UPLOAD_BYTES"],
        expires_in=UPLOAD_SECONDS,
    )
    return {"method": "POST", "url": post["url"], "fields": post["fields"], "expires_at": expires_at}


def check_token(token: str) -> dict[str, Any]:
    """The grant a local presigned POST carries ({key, type, max}), checked with the same secret."""
    try:
        return UploadSigner(current_app.config["SECRET_KEY"]).check(token)
    except SignatureExpired:
        raise UploadRefused("This upload link has expired. Add the photo again.", 403) from None
    except BadSignature:
        raise UploadRefused("This upload link is not valid.", 403) from None


def claim_upload(grant: dict[str, Any]) -> None:
    """Take the grant's one upload: its photo must exist, still await a file at this key, and no
    upload may have been sent to the key before. Raises UploadRefused."""
    key = grant["key"]
    owner = original_owner(key)
    photo = services().store.get_photo(owner[1]) if owner else None
    if photo is None or key not in (photo.original_key, photo.replacement and photo.replacement.key):
        raise UploadRefused("This photo was deleted. Add it again.", 404)
    if awaited_key(photo) != key or services().blobs.head(key) is not None:
        raise UploadRefused("This photo was already uploaded. Add it again to send another file.", 409)
    taken = services().store.records.increment(CLAIMS, key, "uploads", expires_at=int(grant["expires"]) + 60)
    if taken > 1:
        raise UploadRefused("This photo is already being uploaded. Add it again to send another file.", 409)


def release_upload(grant: dict[str, Any]) -> None:
    """An upload that stored nothing (refused as too large, or cut off) gives its claim back."""
    services().store.records.delete(CLAIMS, grant["key"])


@dataclass
class Arrival:
    photo: Photo | None  # None: deleted meanwhile
    refused: bool = False  # the file arrived but cannot be used (the photo is now failed)


def mark_uploaded(photo: Photo) -> Arrival:
    """The file is in storage: check it and queue the job. Calling it twice is harmless (the
    client's callback and the S3 event may both arrive). Raises NotArrived.

    A replacement's file is checked the same way; one that cannot be used is dropped with the
    reason (`lifecycle.drop_replacement`: the photo keeps its files, `refused` says so)."""
    key = awaited_key(photo)
    if key is None:
        return Arrival(photo)
    announced = photo.replacement.size if photo.replacement else photo.size
    filename = photo.replacement.filename if photo.replacement else photo.filename
    blobs = services().blobs
    info = blobs.head(key)
    if info is None:
        current = services().store.get_photo(photo.id)
        if current is None or awaited_key(current) != key:  # another callback settled it
            return Arrival(current, refused=current is not None and bool(current.error))
        raise NotArrived("The file has not arrived in storage yet; finish the upload first.")
    limit = services().config["MAX_UPLOAD_BYTES"]
    if info.size != announced or info.size > limit:
        failed = lifecycle.fail(
            photo,
            f"The stored file is {info.size} bytes, not the {announced} bytes announced. Upload it again.",
        )
        blobs.delete_many([key])
        return Arrival(failed, refused=True)
    with blobs.open(key) as fh:
        head = fh.read(SNIFF_BYTES)
    if detect_format(head) is None:
        failed = lifecycle.fail(photo, f"{filename} is not an image we can read ({INPUT_LABEL}).")
        return Arrival(failed, refused=True)
    try:
        # A new original is another picture: a fresh count of attempts and no earlier failure.
        queued = lifecycle.transition(photo, PhotoStatus.QUEUED, error="", attempts=0)
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
