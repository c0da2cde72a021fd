"""Serving stored photo files when no CDN is configured (the embedded default, or AWS without
CloudFront): variants and page images only, never originals, cached as immutable. And, on the
embedded default, private files (a client gallery's photos, a download) through signed links, the
counterpart of S3's presigned GETs."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, stream_with_context
from itsdangerous import BadSignature

from ..blobs import (
    IMMUTABLE,
    PRIVATE,
    BlobNotFoundError,
    content_disposition,
    content_type_for,
    is_signable_key,
    variant_owner,
)
from ..services import services

bp = Blueprint("media", __name__)


@bp.get("/media/<path:key>")
def file(key: str) -> Response:
    owner = variant_owner(key)
    if owner is None:
        abort(404)
    kind, _, photo_id = owner
    if kind == "projects" and services().store.get_photo(photo_id) is None:
        abort(404)  # in the trash (its files are on their way under trash/) or gone
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


@bp.get("/media/signed/<token>")
def signed_file(token: str) -> Response:
    """A private file, for whoever holds a link the app signed (until the link's deadline)."""
    signer = getattr(services().blobs, "link_signer", None)
    if signer is None:  # S3 serves its own presigned GETs
        abort(404)
    try:
        grant = signer.check(token)
    except BadSignature:  # forged, altered or expired: the same answer, nothing to learn
        abort(403)
    key = str(grant.get("key", ""))
    if not is_signable_key(key):
        abort(404)
    try:
        handle = services().blobs.open(key)
    except BlobNotFoundError:
        abort(404)
    info = services().blobs.head(key)
    response = Response(stream_with_context(_chunks(handle)), content_type=content_type_for(key))
    if info is not None:
        response.content_length = info.size
    if grant.get("name"):
        response.headers["Content-Disposition"] = content_disposition(str(grant["name"]))
    response.headers["Cache-Control"] = PRIVATE
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _chunks(handle, size: int = 256 * 1024):
    with handle:
        while chunk := handle.read(size):
            yield chunk
