"""Serving stored photo files when no CDN is configured (the embedded default, or AWS without
CloudFront): variants and page images only, never originals, cached as immutable."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, stream_with_context

from ..blobs import IMMUTABLE, BlobNotFoundError, content_type_for, is_public_key
from ..services import services

bp = Blueprint("media", __name__)


@bp.get("/media/<path:key>")
def file(key: str) -> Response:
    if not is_public_key(key):
        abort(404)
    blobs = services().blobs
    info = blobs.head(key)
    if info is None:
        abort(404)
    etag = f'"{key.rsplit("/", 2)[-2]}-{info.size}"'
    if request.if_none_match.contains_weak(etag.strip('"')):
        response = Response(status=304)
    else:
        try:
            handle = blobs.open(key)
        except BlobNotFoundError:
            abort(404)
        response = Response(stream_with_context(_chunks(handle)), content_type=content_type_for(key))
        response.content_length = info.size
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _chunks(handle, size: int = 256 * 1024):
    with handle:
        while chunk := handle.read(size):
            yield chunk
