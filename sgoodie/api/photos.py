"""/api/v1 photos: a project's photos in display order, adding one by the client's own key (the
same key twice is the same photo, so an interrupted sync is simply run again), its upload and
completion, replacing its original, its alt text, caption and focal point, the order, the trash.
Changes go through `photos.edits`, as the admin's photo grid does (validation, `photo_saved`,
purges); the photo's life through `photos.uploads` and `photos.replace`. Files never pass through
this process: the client posts them to `uploads.upload_target` (S3's presigned POST on AWS, the
app's streaming upload endpoint on the embedded default)."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from flask import jsonify

from ..domain import Photo, PhotoStatus, ValidationError
from ..file_urls import media_url
from ..image_formats import INPUT_LABEL, UPLOAD_TYPES, type_for_filename
from ..meta import absolute
from ..photos import edits, uploads
from ..photos.lifecycle import TransitionRefused
from ..photos.replace import start_replacement
from ..services import services
from ..stores.paging import read_page
from ..tokens import charge, token_required
from .common import Refused, batch, body, bp, checked, cursor, each, listing, page_size, refused
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
        "sha256": photo.source_sha256,
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
    """Plain edits are the photographer's text (no longer the file's); `from_file` offers the
    file's title (alt_text) and description (caption) where the photographer typed none."""
    data = body(
        {"alt_text": str, "caption": str, "focal_x": (int, float), "focal_y": (int, float), "from_file": bool}
    )
    photo = find_photo(photo_id)
    applied: list[str] = []
    texts = {name: data[name] for name in ("alt_text", "caption") if name in data}
    if texts and data.get("from_file"):
        photo = edits.set_text_from_file(photo, texts.get("alt_text", ""), texts.get("caption", ""))
        applied += [name for name in ("alt_text", "caption") if getattr(photo, f"{name}_from_file")]
    elif texts:
        photo = edits.update_text(
            photo, texts.get("alt_text", photo.alt_text), texts.get("caption", photo.caption)
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
    """The photos named take the places they hold among themselves in this order (all of the
    project's, or only the client's own: photos added in the admin keep their places)."""
    data = body({"photo_ids": list}, required=("photo_ids",))
    ids = data["photo_ids"]
    if not ids or not all(isinstance(i, str) for i in ids):
        raise ValidationError({"photo_ids": "List the photos' ids."})
    edits.reorder(find_project(project_id), ids)
    return "", 204


@bp.delete("/photos/<photo_id>")
@token_required("publish")
def delete_photo(photo_id: str):
    edits.delete(find_photo(photo_id))
    return "", 204


# -- the photo's original: adding, uploading, replacing ------------------------------------------------
FILE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "filename": str,
    "content_type": str,
    "size": int,
    "sha256": str,
}


def _announced(data: dict[str, Any]) -> tuple[str, str, int, str]:
    """The file a client announces: (name, type, size, sha256), checked against what the site takes."""
    filename = data["filename"].strip()[:200]
    content_type = (data.get("content_type") or "").lower() or type_for_filename(filename)
    sha256 = data["sha256"].lower()
    errors = {}
    if not filename:
        errors["filename"] = "The file needs a name."
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        errors["sha256"] = "Give the file's SHA-256 as 64 hexadecimal digits."
    if data["size"] <= 0:
        errors["size"] = "Give the file's size in bytes."
    if errors:
        raise ValidationError(errors)
    if content_type not in UPLOAD_TYPES:
        raise Refused("unsupported_type", f"{filename}: only {INPUT_LABEL} photos can be uploaded.", 415)
    limit = services().config["MAX_UPLOAD_BYTES"]
    if data["size"] > limit:
        raise Refused(
            "too_large",
            f"{filename} is {data['size'] / 1048576:.1f} MB; the limit is {limit // 1048576} MB.",
            413,
        )
    return filename, content_type, data["size"], sha256


def _with_upload(photo: Photo) -> dict[str, Any]:
    """The photo and where to send its file: None when it waits for none."""
    target = uploads.upload_target(photo) if uploads.awaited_key(photo) else None
    if target is not None:  # the embedded default's own endpoint is a path: a program needs the address
        target["url"] = absolute(target["url"])
    return {"photo": photo_json(photo), "upload": target}


def _settle(photo: Photo) -> Photo:
    """A photo waiting for a file that may have arrived without its callback (an interrupted
    sync): checked now, so the client is not asked to send it again."""
    if uploads.awaited_key(photo) is None:
        return photo
    try:
        return uploads.mark_uploaded(photo).photo or photo
    except uploads.NotArrived:
        return photo


def _replace(photo: Photo, filename: str, content_type: str, size: int, sha256: str) -> Photo:
    try:
        return start_replacement(
            photo, filename, content_type, UPLOAD_TYPES[content_type], size, sha256=sha256
        )
    except TransitionRefused as exc:
        raise Refused("conflict", f"{exc} Try again once it is ready.", 409) from None


NEW_PHOTO: dict[str, type | tuple[type, ...]] = {"external_id": str, **FILE_FIELDS}
NEW_PHOTO_REQUIRED = ("external_id", "filename", "size", "sha256")


def _add(project_id: str, external_id: str, announced: tuple[str, str, int, str]) -> tuple[Photo, bool]:
    """The photo this client key names in the project (added now: True) and its file's state: a
    new one waiting for its file, the one found (its upload settled if the file came without the
    callback), or the one found with its replacement started when the file changed."""
    filename, content_type, size, sha256 = announced
    photo, created = uploads.find_or_register(
        project_id,
        external_id,
        filename,
        content_type,
        UPLOAD_TYPES[content_type],
        size,
        sha256=sha256,
    )
    if created:
        return photo, True
    pending = photo.replacement.sha256 if photo.replacement else photo.source_sha256
    if pending == sha256 or photo.status == PhotoStatus.UPLOADING and not photo.source_sha256:
        return _settle(photo), False  # this file: sent already, or its upload still to finish
    if photo.status == PhotoStatus.UPLOADING:
        raise Refused(
            "conflict",
            f"This key's photo is still waiting for another file ({photo.filename}): delete it, then add this one.",
            409,
        )
    return _replace(photo, filename, content_type, size, sha256), False


@bp.post("/projects/<project_id>/photos")
@token_required("publish")
def add_photo(project_id: str):
    data = body(NEW_PHOTO, required=NEW_PHOTO_REQUIRED)
    announced = _announced(data)
    find_project(project_id)
    photo, created = _add(project_id, data["external_id"], announced)
    return jsonify(_with_upload(photo)), 201 if created else 200


@bp.post("/projects/<project_id>/photos/batch")
@token_required("publish")
def add_photos(project_id: str):
    """Up to BATCH_MAX photos at once, each as `add_photo` would (the same key twice, in one batch
    or two, is the same photo): `results` answers each at its place, `{photo, upload, created}`
    or `{error}`; one refused never loses the others."""
    items = batch(body({"photos": list}, required=("photos",))["photos"], "photos", "photo", dict)
    if refusal := charge(len(items)):
        return refusal
    find_project(project_id)

    def one(item: Any) -> dict[str, Any]:
        item = checked(item, NEW_PHOTO, required=NEW_PHOTO_REQUIRED)
        photo, created = _add(project_id, item["external_id"], _announced(item))
        return {**_with_upload(photo), "created": created}

    return jsonify(results=[each(partial(_upload_refusals, one, item)) for item in items])


@bp.post("/photos/<photo_id>/replace")
@token_required("publish")
def replace_photo(photo_id: str):
    data = body(FILE_FIELDS, required=("filename", "size", "sha256"))
    filename, content_type, size, sha256 = _announced(data)
    photo = find_photo(photo_id)
    if photo.replacement is not None and photo.replacement.sha256 == sha256:
        return jsonify(_with_upload(_settle(photo)))  # this replacement is on its way already
    if photo.status == PhotoStatus.READY and photo.source_sha256 == sha256:
        return jsonify(_with_upload(photo))  # the site has this original already: nothing to send
    return jsonify(_with_upload(_replace(photo, filename, content_type, size, sha256)))


def _complete(photo: Photo) -> uploads.Arrival:
    """The file is in storage: check it and queue the photo's job. Calling it again is harmless."""
    try:
        arrival = uploads.mark_uploaded(photo)
    except uploads.NotArrived as exc:
        raise Refused("not_uploaded", str(exc), 409) from None
    if arrival.photo is None:
        raise Refused("not_found", "This photo was deleted meanwhile.", 404)
    return arrival


@bp.post("/photos/<photo_id>/complete")
@token_required("publish")
def complete_upload(photo_id: str):
    arrival = _complete(find_photo(photo_id))
    return jsonify(photo_json(arrival.photo)), 422 if arrival.refused else 200


@bp.post("/photos/complete")
@token_required("publish")
def complete_uploads():
    """`complete` for up to BATCH_MAX photos: `results` answers each at its place, `{photo}`, or
    `{photo, error}` for a stored file that cannot be used (the photo failed), or `{error}`."""
    ids = batch(body({"photo_ids": list}, required=("photo_ids",))["photo_ids"], "photo_ids", "photo id", str)
    if refusal := charge(len(ids)):
        return refusal

    def one(photo_id: str) -> dict[str, Any]:
        arrival = _complete(find_photo(photo_id))
        result: dict[str, Any] = {"photo": photo_json(arrival.photo)}
        if arrival.refused:
            status = 422
            result["error"] = {"code": "upload_refused", "message": arrival.photo.error, "status": status}
        return result

    return jsonify(results=[each(partial(_upload_refusals, one, photo_id)) for photo_id in ids])


def _upload_refusals(work: Any, item: Any) -> dict[str, Any]:
    """`work(item)`, a refused upload answered as an API refusal (a batch item's error)."""
    try:
        return work(item)
    except uploads.UploadRefused as exc:
        raise Refused("upload_refused", str(exc), exc.status) from None


@bp.errorhandler(uploads.UploadRefused)
def upload_refused(exc: uploads.UploadRefused):
    return refused(Refused("upload_refused", str(exc), exc.status))
