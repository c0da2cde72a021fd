"""Serving stored photo files: variants and page images when no CDN is configured (the embedded
default, or AWS without CloudFront), never originals, cached as immutable; and, on both backends,
private files (a client gallery's photos, a download) through the app's signed links, checked on
every use (S3 then answers through a presigned GET valid a minute)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, stream_with_context
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
from ..file_urls import PRESIGNED_SECONDS, LinkRevoked, check_link
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
    """A private file, for whoever holds a link the app signed, while the link holds: until its
    deadline, and as long as its gallery's passwords and its holder's access are the ones it was
    signed for (`file_urls.check_link`). S3 answers through a presigned GET valid a minute."""
    try:
        grant = check_link(token)
    except (BadSignature, LinkRevoked):  # forged, altered, late or revoked: the same answer
        abort(403)
    key = str(grant.get("key", ""))
    if not is_signable_key(key):
        abort(404)
    name = str(grant.get("name", ""))
    presigned = services().blobs.presigned_get(key, expires_in=PRESIGNED_SECONDS, download_name=name)
    if presigned is not None:
        response = redirect(presigned, 302)
    else:
        try:
            handle = services().blobs.open(key)
        except BlobNotFoundError:
            abort(404)
        info = services().blobs.head(key)
        response = Response(stream_with_context(_chunks(handle)), content_type=content_type_for(key))
        if info is not None:
            response.content_length = info.size
        if name:
            response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = PRIVATE
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _chunks(handle, size: int = 256 * 1024):
    with handle:
        while chunk := handle.read(size):
            yield chunk
