"""What every /api/v1 endpoint shares: the blueprint (token-only, no CSRF, never cached), the one
error shape for every refusal, JSON bodies checked field by field, keyset paging parameters and
`If-Match` against the store's versions."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from ..auth import private_response
from ..domain import ValidationError
from ..http_errors import error_body, json_error, json_object
from ..plugin_loader import API_PREFIX
from ..security import csrf
from ..stores import ConflictError, NotFoundError, StaleVersionError
from ..tokens import SCOPE_ATTRIBUTE

bp = Blueprint("api_v1", __name__, url_prefix=API_PREFIX)
csrf.exempt(bp)  # a token in the Authorization header, never a cookie, authenticates these requests
bp.after_request(private_response)
OPEN_ENDPOINTS = {"api_v1.openapi"}
DEFAULT_LIMIT, MAX_LIMIT = 50, 100


@bp.before_request
def every_endpoint_declares_its_scope() -> Any:
    """A route added without `token_required` is refused, never open by omission."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.endpoint in OPEN_ENDPOINTS or view is None or hasattr(view, SCOPE_ATTRIBUTE):
        return None
    return json_error("forbidden", "This endpoint declares no scope, so no token may use it.", 403)


class Refused(Exception):
    """An API refusal: answered as the error shape with this status."""

    def __init__(self, code: str, message: str, status: int, **extra: Any):
        self.code, self.status, self.extra = code, status, extra
        super().__init__(message)


@bp.errorhandler(Refused)
def refused(exc: Refused):
    body = error_body(exc.code, str(exc))
    body["error"].update(exc.extra)
    return jsonify(body), exc.status


@bp.errorhandler(ValidationError)
def invalid(exc: ValidationError):
    return refused(Refused("invalid", _sentence(exc.errors), 422, fields=exc.errors))


@bp.errorhandler(NotFoundError)
def missing(exc: NotFoundError):
    return json_error("not_found", "That no longer exists (it may have been deleted).", 404)


@bp.errorhandler(ConflictError)
def conflict(exc: ConflictError):
    return refused(Refused("conflict", str(exc), 409, fields={exc.field: str(exc)}))


@bp.errorhandler(StaleVersionError)
def stale(exc: StaleVersionError):
    return json_error("conflict", "Someone else changed this meanwhile: read it again and retry.", 409)


def _sentence(errors: Mapping[str, str]) -> str:
    return " ".join(f"{name}: {message}" for name, message in errors.items())


# -- request bodies ----------------------------------------------------------------------------------
def body(allowed: Mapping[str, type | tuple[type, ...]], *, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object sent, with only `allowed` fields of the right types (ValidationError per
    field otherwise, unknown fields named)."""
    data = json_object()
    if not data and request.get_data() and not request.is_json:
        raise Refused("bad_request", "Send a JSON object (Content-Type: application/json).", 400)
    errors = {name: "This field is not known here." for name in data if name not in allowed}
    for name, kinds in allowed.items():
        if name not in data:
            if name in required:
                errors[name] = "This field is required."
            continue
        value = data[name]
        accepted = kinds if isinstance(kinds, tuple) else (kinds,)
        if isinstance(value, bool) and bool not in accepted or not isinstance(value, accepted):
            errors[name] = f"Expected {' or '.join(_KIND_NAMES[k] for k in accepted)}."
    if errors:
        raise ValidationError(errors)
    return data


_KIND_NAMES = {str: "a string", bool: "true or false", int: "an integer", float: "a number", list: "a list"}


# -- paging --------------------------------------------------------------------------------------------
def page_size() -> int:
    raw = request.args.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Refused("invalid", f"`limit` is a whole number from 1 to {MAX_LIMIT}.", 422)
    return int(raw)


def cursor(pattern: str, convert: Callable[[re.Match[str]], Any]) -> Any:
    """The `after` cursor (from a previous page's `next`), or None for the first page."""
    raw = request.args.get("after", "")
    if not raw:
        return None
    match = re.fullmatch(pattern, raw)
    if match is None:
        raise Refused(
            "invalid", "`after` is not a cursor this list gave (use the `next` of a previous page).", 422
        )
    return convert(match)


def listing(items: list[dict[str, Any]], next_cursor: str | None):
    return jsonify(items=items, next=next_cursor)


# -- optimistic concurrency ----------------------------------------------------------------------------
def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(version: int) -> int | None:
    """The version `If-Match` names (None when absent or `*`); 412 when it is not `version`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    wanted = [part.strip().removeprefix("W/").strip('"') for part in header.split(",")]
    if str(version) not in wanted:
        raise Refused(
            "precondition_failed",
            f"This was changed since you read it (it is at version {version}, the request names "
            f"{header}): read it again, then retry with its new ETag.",
            412,
        )
    return version
