"""The Open Graph image of a page: its photo cut to the link-preview card around the photo's
focal point (`images.share`). The address names the variant and the point, so the answer never
changes and is cached for a year, by browsers and the CDN alike."""

from __future__ import annotations

from flask import Response, abort

from ..blobs import IMMUTABLE, BlobNotFoundError, is_public_key
from ..images import ImageError
from ..images.share import share_crop
from ..meta import FOCAL_STEPS
from ..services import services
from .views import bp


@bp.get("/share/<int:focal_x>/<int:focal_y>/<path:key>")
def share_image(focal_x: int, focal_y: int, key: str) -> Response:
    if not (is_public_key(key) and key.endswith(".jpg")) or max(focal_x, focal_y) > FOCAL_STEPS:
        abort(404)
    try:
        data = services().blobs.get(key)
    except BlobNotFoundError:
        abort(404)
    try:
        card = share_crop(data, focal_x / FOCAL_STEPS, focal_y / FOCAL_STEPS)
    except ImageError:
        abort(404)
    response = Response(card, content_type="image/jpeg")
    response.headers["Cache-Control"] = IMMUTABLE
    return response
