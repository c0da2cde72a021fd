"""The media API under /api/media: ask for an upload, confirm it, watch a photo get processed.

JSON in, JSON out; errors are `{"error": {"code", "message"}}` with a fitting status. Every
endpoint needs a signed-in admin and a CSRF token, except the two that carry their own proof:
the S3 event callback (an SNS signature) and the embedded default's upload target (a signed,
expiring token, like an S3 presigned POST). The contract is in openapi.py.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

from flask import Blueprint, jsonify, request

from ..auth import admins_only
from ..blobs import original_owner
from ..bodies import body_limit, loads, max_upload_bytes
from ..domain import Photo, PhotoStatus
from ..file_urls import media_url
from ..http_errors import error_body, json_error, json_object
from ..image_formats import INPUT_LABEL, UPLOAD_TYPES, type_for_filename
from ..photos import uploads
from ..photos.uploads import UploadRefused, check_token, claim_upload, release_upload
from ..security import csrf
from ..services import services
from ..stores import NotFoundError
from . import sns
from .openapi import document

log = logging.getLogger("sgoodie.media")

bp = Blueprint("media_api", __name__, url_prefix="/api/media")
#: An SNS message is at most 256 KB; its HTTP body adds the JSON escaping of the message and the
#: envelope (signature, certificate URL, ids).
SNS_BODY_LIMIT = 320 * 1024
#: An SNS envelope is one JSON object of about a dozen strings.
SNS_ENVELOPE_STRINGS = 64
_JSON_STRUCTURE = re.compile(r'["\[{]')
_JSON_STRING_REST = re.compile(r'(?:[^"\\]|\\.)*+"', re.S)
#: The upload target's form fields besides the file: the signed token and the type.
UPLOAD_FIELDS_LIMIT = 4 * 1024
# The S3 event callback and the embedded default's upload target carry their own proof.
admins_only(bp, open_endpoints={"media_api.s3_events", "media_api.openapi", "media_api.upload_target"})


@bp.errorhandler(UploadRefused)
def refused(exc: UploadRefused):
    return json_error("upload_refused", str(exc), exc.status)


def photo_json(photo: Photo) -> dict[str, Any]:
    variants = [
        {"width": v.width, "height": v.height, "format": v.format, "bytes": v.bytes, "url": media_url(v.key)}
        for v in photo.variants
    ]
    thumbnail = next((v["url"] for v in variants if v["format"] == "webp" and v["width"] <= 640), None)
    return {
        "id": photo.id,
        "project_id": photo.project_id,
        "status": photo.status,
        "error": photo.error,
        "filename": photo.filename,
        "size": photo.size,
        "width": photo.width,
        "height": photo.height,
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "dominant_color": photo.dominant_color,
        "placeholder": photo.placeholder,
        "thumbnail": thumbnail,
        "variants": variants,
        "updated_at": photo.updated_at,
    }


# -- 1. ask for an upload -----------------------------------------------------------------------
@bp.post("/uploads")
def create_upload():
    data = json_object()
    if not data:
        return json_error("bad_request", "Send JSON: {project_id, filename, content_type, size}.", 400)
    project_id, filename = str(data.get("project_id") or ""), str(data.get("filename") or "").strip()[:200]
    content_type, size = str(data.get("content_type") or "").lower(), data.get("size")
    if not filename:
        return json_error("invalid", "The file needs a name.", 422)
    if not content_type:  # some browsers leave HEIC files untyped: go by the extension
        content_type = type_for_filename(filename)
    if content_type not in UPLOAD_TYPES:
        return json_error("unsupported_type", f"{filename}: only {INPUT_LABEL} photos can be uploaded.", 415)
    limit = services().config["MAX_UPLOAD_BYTES"]
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        return json_error("invalid", "Give the file's size in bytes.", 422)
    if size > limit:
        return json_error(
            "too_large", f"{filename} is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB.", 413
        )
    try:
        photo = uploads.register_upload(project_id, filename, content_type, UPLOAD_TYPES[content_type], size)
    except NotFoundError:
        return json_error("not_found", "That project does not exist (it may have been deleted).", 404)
    target = uploads.upload_target(photo)
    return jsonify(
        photo_id=photo.id,
        upload={"url": target["url"], "fields": target["fields"]},
        expires_at=target["expires_at"],
    ), 201


# -- 2. the embedded default's upload target (S3 on AWS) -----------------------------------------
@bp.post("/upload")
@csrf.exempt
@body_limit(UPLOAD_FIELDS_LIMIT, files=max_upload_bytes)
def upload_target():
    grant = check_token(request.form.get("token", ""))
    if request.form.get("Content-Type") != grant["type"]:
        raise UploadRefused("The file type does not match the upload request.", 403)
    upload = request.files.get("file")
    if upload is None:
        raise UploadRefused("No file was sent.", 400)
    claim_upload(grant)  # one upload per token, of a photo still uploading
    try:
        services().blobs.put_stream(grant["key"], upload.stream, max_bytes=grant["max"])
    except ValueError:
        release_upload(grant)
        raise UploadRefused(
            f"The file is larger than the {grant['max'] // 1048576} MB allowed.", 413
        ) from None
    except BaseException:
        release_upload(grant)
        raise
    return "", 204


# -- 3. the upload is done: check it and queue the job ------------------------------------------
def complete(photo: Photo) -> tuple[dict[str, Any], int]:
    """Shared by the browser's callback and S3 events; calling it twice is harmless."""
    try:
        arrival = uploads.mark_uploaded(photo)
    except uploads.NotArrived as exc:
        return error_body("not_uploaded", str(exc)), 409
    if arrival.photo is None:
        return error_body("not_found", "This photo was deleted."), 404
    if arrival.refused:
        return photo_json(arrival.photo), 422
    return photo_json(arrival.photo), 202 if arrival.photo.status != PhotoStatus.FAILED else 200


@bp.post("/uploads/<photo_id>/complete")
def complete_upload(photo_id: str):
    photo = services().store.get_photo(photo_id)
    if photo is None:
        return json_error("not_found", "This photo does not exist (it may have been deleted).", 404)
    payload, status = complete(photo)
    return jsonify(payload), status


# -- 4. watch it -------------------------------------------------------------------------------
@bp.get("/photos/<photo_id>")
def get_photo(photo_id: str):
    photo = services().store.get_photo(photo_id)
    if photo is None:
        return json_error("not_found", "This photo does not exist (it may have been deleted).", 404)
    return jsonify(photo_json(photo))


# -- S3 event notifications through SNS ----------------------------------------------------------
@bp.post("/s3-events")
@csrf.exempt
@body_limit(SNS_BODY_LIMIT)
def s3_events():
    """Refusals are 403 (not from our topic, unverified, stale, replayed) or 400 (malformed):
    never a 500 a stranger can cause. SNS does not retry a 4xx, and has nothing to retry then."""
    records = services().store.records
    text = request.get_data(as_text=True) or "{}"
    if not _flat_object(text):
        return json_error("bad_request", "The body is not an SNS message (one JSON object of strings).", 400)
    try:
        message = loads(text)
    except ValueError:
        return json_error("bad_request", "The body is not JSON.", 400)
    try:
        sns.authenticate(message, topic_arn=services().config["SNS_TOPIC_ARN"], records=records)
    except sns.InvalidMessage as exc:
        log.warning("refused an S3 event callback: %s", exc)
        if exc.status == 400:
            return json_error("bad_request", "This SNS message is malformed.", 400)
        return json_error(
            "forbidden",
            "This message is not a fresh, verified Amazon SNS message from this site's topic.",
            403,
        )
    try:
        return _handle_sns_message(message)
    except Exception:
        sns.release(message, records)  # not handled: SNS's retry (after a 5xx) must be
        raise


def _handle_sns_message(message: dict[str, Any]):
    kind = message.get("Type")
    if kind == "SubscriptionConfirmation":
        try:
            sns.confirm_subscription(message)
        except sns.InvalidMessage as exc:
            log.warning("could not confirm the SNS subscription: %s", exc)
            sns.release(message, services().store.records)
            return json_error(
                "not_confirmed", "The subscription could not be confirmed with Amazon SNS.", 400
            )
        return jsonify(confirmed=True)
    if kind != "Notification":
        return jsonify(ignored=kind)
    try:
        body = loads(message.get("Message") or "{}")
    except (TypeError, ValueError):
        body = None
    records = body.get("Records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        return json_error("bad_request", "The notification does not carry S3 event records.", 400)
    handled = 0
    for record in records:
        if not isinstance(record, dict) or not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        owner = original_owner(unquote_plus(str(record.get("s3", {}).get("object", {}).get("key", ""))))
        photo = services().store.get_photo(owner[1]) if owner else None
        if photo is not None and owner is not None and photo.project_id == owner[0]:
            complete(photo)
            handled += 1
    return jsonify(handled=handled)


def _flat_object(text: str) -> bool:
    """Whether `text` can be an SNS envelope: at most one object or array and at most
    SNS_ENVELOPE_STRINGS strings. Checked before parsing, which would otherwise build whatever
    an anonymous body describes (320 KB of `[{},{},…]` is a hundred thousand dicts)."""
    containers = strings = 0
    position = 0
    while found := _JSON_STRUCTURE.search(text, position):
        if found.group() == '"':
            end = _JSON_STRING_REST.match(text, found.end())
            if end is None:
                return False  # a string that never ends: not JSON either
            strings, position = strings + 1, end.end()
        else:
            containers, position = containers + 1, found.end()
        if containers > 1 or strings > SNS_ENVELOPE_STRINGS:
            return False
    return True


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
