"""/api/v1 photos: a project's photos in display order, one photo, its alt text, caption and focal
point, the order, the trash. Changes go through `photos.edits`, as the admin's photo grid does
(validation, `photo_saved`, purges); the photo's life (uploads, replacements) through
`photos.uploads` and `photos.replace`."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from flask import jsonify

from ..domain import Photo, ValidationError
from ..file_urls import media_url
from ..photos import edits
from ..services import services
from ..stores.paging import read_page
from ..tokens import token_required
from .common import Refused, body, bp, cursor, listing, page_size
from .projects import find_project


def photo_json(photo: Photo) -> dict[str, Any]:
    thumbnail = next(
        (
            v.key
            for v in sorted(photo.variants, key=lambda v: v.width)
            if v.format == "webp" and v.width >= 320
        ),
        None,
    )
    return {
        "id": photo.id,
        "project_id": photo.project_id,
        "external_id": photo.external_id,
        "status": photo.status,
        "error": photo.error,
        "filename": photo.filename,
        "size": photo.size,
        "width": photo.width,
        "height": photo.height,
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "alt_text_from_file": photo.alt_text_from_file,
        "caption_from_file": photo.caption_from_file,
        "focal_x": photo.focal_x,
        "focal_y": photo.focal_y,
        "order": photo.order,
        "sha256": getattr(photo, "source_sha256", ""),
        "thumbnail": media_url(thumbnail) if thumbnail else None,
        "version": photo.version,
        "created_at": photo.created_at,
        "updated_at": photo.updated_at,
    }


def find_photo(photo_id: str) -> Photo:
    photo = services().store.get_photo(photo_id)
    if photo is None or not photo.project_id:
        raise Refused("not_found", "No photo has this id (it may have been deleted).", 404)
    return photo


@bp.get("/projects/<project_id>/photos")
@token_required("read")
def list_photos(project_id: str):
    find_project(project_id)
    after = cursor(r"-?\d{1,15}", lambda m: int(m.group()))
    read = partial(services().store.photos_page, project_id)
    found, more = read_page(read, page_size(), after=after)
    return listing([photo_json(p) for p in found], str(found[-1].order) if more else None)


@bp.get("/photos/<photo_id>")
@token_required("read")
def get_photo(photo_id: str):
    return jsonify(photo_json(find_photo(photo_id)))


@bp.patch("/photos/<photo_id>")
@token_required("publish")
def update_photo(photo_id: str):
    data = body(
        {"alt_text": str, "caption": str, "focal_x": (int, float), "focal_y": (int, float), "from_file": bool}
    )
    photo = find_photo(photo_id)
    applied: list[str] = []
    texts = {name: data[name] for name in ("alt_text", "caption") if name in data}
    if texts and data.get("from_file"):
        from ..photos.edits import set_text_from_file

        photo, applied = set_text_from_file(photo, texts.get("alt_text"), texts.get("caption"))
    elif texts:
        # Typed by a person (or a program on their behalf): no longer the file's words.
        typed = replace(
            photo,
            alt_text_from_file=photo.alt_text_from_file and "alt_text" not in texts,
            caption_from_file=photo.caption_from_file and "caption" not in texts,
        )
        photo = edits.update_text(
            typed, texts.get("alt_text", photo.alt_text), texts.get("caption", photo.caption)
        )
        applied += list(texts)
    if "focal_x" in data or "focal_y" in data:
        if not ("focal_x" in data and "focal_y" in data):
            raise ValidationError({"focal_x": "Send focal_x and focal_y together."})
        photo = edits.set_focal_point(photo, data["focal_x"], data["focal_y"])
        applied += ["focal_x", "focal_y"]
    return jsonify(photo=photo_json(photo), applied=applied)


@bp.put("/projects/<project_id>/photos/order")
@token_required("publish")
def order_photos(project_id: str):
    data = body({"photo_ids": list}, required=("photo_ids",))
    ids = data["photo_ids"]
    if not ids or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        raise ValidationError({"photo_ids": "List the photos' ids, each once."})
    project = find_project(project_id)
    try:
        edits.reorder(project, ids)
    except ValueError:
        raise ValidationError(
            {
                "photo_ids": "These are not the project's photos (all of them, or a run of them in their current order)."
            }
        ) from None
    return "", 204


@bp.delete("/photos/<photo_id>")
@token_required("publish")
def delete_photo(photo_id: str):
    edits.delete(find_photo(photo_id))
    return "", 204
