"""Where the browser sends a file: the blob store's presigned POST. On S3 that is the bucket; on
the embedded default it is the app's own upload endpoint with the same shape (a URL and form
fields, the token signed and expiring), so the admin's uploader is the same code on both backends."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired

from ..blobs.local import UploadSigner

UPLOAD_SECONDS = 15 * 60


class UploadRefused(Exception):
    def __init__(self, message: str, status: int = 400):
        self.status = status
        super().__init__(message)


def upload_form(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """{url, fields, expires_at}: POST the fields plus `file` as multipart/form-data."""
    blobs = current_app.extensions["sgoodie"].blobs
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
