"""Where the browser sends a file: a presigned S3 POST (AWS), or on the embedded default the
app's own upload endpoint with the same shape (a URL and form fields), signed and expiring, so
the admin's uploader is the same code on both backends."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

UPLOAD_SECONDS = 15 * 60


class UploadRefused(Exception):
    def __init__(self, message: str, status: int = 400):
        self.status = status
        super().__init__(message)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sgoodie.local-upload")


def upload_form(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """{url, fields, expires_at}: POST the fields plus `file` as multipart/form-data."""
    blobs = current_app.extensions["sgoodie"].blobs
    expires_at = int(time.time()) + UPLOAD_SECONDS
    if hasattr(blobs, "presigned_post"):
        post = blobs.presigned_post(key, content_type=content_type, max_bytes=max_bytes, expires_in=UPLOAD_SECONDS)
        return {"url": post["url"], "fields": post["fields"], "expires_at": expires_at}
    token = _serializer().dumps({"key": key, "type": content_type, "max": max_bytes})
    return {"url": url_for("media_api.upload_target", _external=False), "fields": {"token": token, "Content-Type": content_type},
            "expires_at": expires_at}


def check_token(token: str) -> dict[str, Any]:
    try:
        return _serializer().loads(token, max_age=UPLOAD_SECONDS)
    except SignatureExpired:
        raise UploadRefused("This upload link has expired. Add the photo again.", 403) from None
    except BadSignature:
        raise UploadRefused("This upload link is not valid.", 403) from None
