"""Where the browser sends a file: the blob store's presigned POST. On S3 that is the bucket; on
the embedded default it is the app's own upload endpoint with the same shape (a URL and form
fields, the token signed and expiring), so the admin's uploader is the same code on both backends.

A token is good for one upload of a photo that is still `uploading`: once the file is stored (or
the photo was checked, failed or deleted), the same token is refused, so nobody can replace an
original after `complete` checked it. The first upload claims the key in the records store (an
atomic increment, on both backends); a second one finds the claim taken."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired

from ..blobs import original_owner
from ..blobs.local import UploadSigner
from ..domain import PhotoStatus
from ..services import services

UPLOAD_SECONDS = 15 * 60
#: Records collection of keys an upload was sent to (expires with the grant).
CLAIMS = "upload-claims"


class UploadRefused(Exception):
    def __init__(self, message: str, status: int = 400):
        self.status = status
        super().__init__(message)


def upload_form(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """{url, fields, expires_at}: POST the fields plus `file` as multipart/form-data."""
    blobs = current_app.extensions["sgoodie.services"].blobs
    expires_at = int(time.time()) + UPLOAD_SECONDS
    post = blobs.presigned_post(
        key, content_type=content_type, max_bytes=max_bytes, expires_in=UPLOAD_SECONDS
    )
    return {"url": post["url"], "fields": post["fields"], "expires_at": expires_at}


def check_token(token: str) -> dict[str, Any]:
    """The grant a local presigned POST carries ({key, type, max}), checked with the same secret."""
    try:
        return UploadSigner(current_app.config["SECRET_KEY"]).check(token)
    except SignatureExpired:
        raise UploadRefused("This upload link has expired. Add the photo again.", 403) from None
    except BadSignature:
        raise UploadRefused("This upload link is not valid.", 403) from None


def claim_upload(grant: dict[str, Any]) -> None:
    """Take the grant's one upload: its photo must exist, still be `uploading` with this key,
    and no upload may have been sent to the key before. Raises UploadRefused."""
    key = grant["key"]
    owner = original_owner(key)
    photo = services().store.get_photo(owner[1]) if owner else None
    if photo is None or photo.original_key != key:
        raise UploadRefused("This photo was deleted. Add it again.", 404)
    if photo.status != PhotoStatus.UPLOADING or services().blobs.head(key) is not None:
        raise UploadRefused("This photo was already uploaded. Add it again to send another file.", 409)
    taken = services().store.records.increment(CLAIMS, key, "uploads", expires_at=int(grant["expires"]) + 60)
    if taken > 1:
        raise UploadRefused("This photo is already being uploaded. Add it again to send another file.", 409)


def release_upload(grant: dict[str, Any]) -> None:
    """An upload that stored nothing (refused as too large, or cut off) gives its claim back."""
    services().store.records.delete(CLAIMS, grant["key"])
