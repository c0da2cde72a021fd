"""The link-preview card (Open Graph): a photo cut to 1200 × 630 around its focal point. Each
address names the JPEG it is cut from and the point, so the answer never changes and is cached
for a year, by browsers and the CDN alike. The cut is made by a job (`photos.cuts`), the first
time a preview robot asks; until then the address redirects to the photo's own JPEG. Only a
photo's current point is cut, so nobody can make the site store files at will."""

from __future__ import annotations

from flask import Response, abort, redirect

from ..blobs import IMMUTABLE, BlobNotFoundError, content_type_for, variant_owner
from ..file_urls import public_url
from ..photos import cuts, homes
from ..services import services
from .views import bp


@bp.get("/share/<int:focal_x>/<int:focal_y>/<path:key>")
def share_image(focal_x: int, focal_y: int, key: str) -> Response:
    owner = variant_owner(key) if key.endswith(".jpg") else None
    if owner is None:
        abort(404)
    kind, owner_id, photo_id = owner
    photo = homes.find(photo_id, owner_id if kind == "pages" else "")
    if (
        photo is None
        or (kind == "projects" and photo.project_id != owner_id)
        or key not in {v.key for v in photo.variants}
        or cuts.focal_token(photo) != f"{focal_x}-{focal_y}"
        or homes.is_private(photo)
    ):
        abort(404)
    stored = cuts.share_cut(key, focal_x, focal_y)
    if stored is None:  # being made: the photo as it is meanwhile, never kept by a cache
        response = redirect(public_url(key), 302)
        response.headers["Cache-Control"] = "no-store"
        return response
    try:
        data = services().blobs.get(stored)
    except BlobNotFoundError:
        abort(404)
    response = Response(data, content_type=content_type_for(stored))
    response.headers["Cache-Control"] = IMMUTABLE
    return response
