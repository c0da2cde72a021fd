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


def refusal(exc: Exception) -> Refused | None:
    """The API refusal an operation's exception stands for; None for one that is a bug."""
    if isinstance(exc, Refused):
        return exc
    if isinstance(exc, ValidationError):
        return Refused("invalid", _sentence(exc.errors), 422, fields=exc.errors)
    if isinstance(exc, NotFoundError):
        return Refused("not_found", "That no longer exists (it may have been deleted).", 404)
    if isinstance(exc, ConflictError):
        return Refused("conflict", str(exc), 409, fields={exc.field: str(exc)})
    if isinstance(exc, StaleVersionError):
        return Refused("conflict", "Someone else changed this meanwhile: read it again and retry.", 409)
    return None


def refusal_body(exc: Refused) -> dict[str, Any]:
    body = error_body(exc.code, str(exc))
    body["error"].update(exc.extra)
    return body


@bp.errorhandler(Refused)
@bp.errorhandler(ValidationError)
@bp.errorhandler(NotFoundError)
@bp.errorhandler(ConflictError)
@bp.errorhandler(StaleVersionError)
def refused(exc: Exception):
    answer = refusal(exc)
    assert answer is not None  # only the refusals above are handled here
    return jsonify(refusal_body(answer)), answer.status


def _sentence(errors: Mapping[str, str]) -> str:
    return " ".join(f"{name}: {message}" for name, message in errors.items())


# -- request bodies ----------------------------------------------------------------------------------
def body(allowed: Mapping[str, type | tuple[type, ...]], *, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object sent, with only `allowed` fields of the right types (ValidationError per
    field otherwise, unknown fields named)."""
    data = json_object()
    if not data and request.get_data() and not request.is_json:
        raise Refused("bad_request", "Send a JSON object (Content-Type: application/json).", 400)
    return checked(data, allowed, required=required)


def checked(
    data: Any, allowed: Mapping[str, type | tuple[type, ...]], *, required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`data` when it is an object with only `allowed` fields of the right types (a request's
    body, or one item of a batch); ValidationError per field otherwise."""
    if not isinstance(data, dict):
        raise ValidationError({"item": "Expected a JSON object."})
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


# -- batches ---------------------------------------------------------------------------------------------
BATCH_MAX = 100


def batch(values: list[Any], name: str, what: str, kind: type) -> list[Any]:
    """A batch's items: 1 to BATCH_MAX of `kind` (413 past that, 422 for a list of something
    else; nothing done). Each is then done on its own and answered in `results` at its place, an
    error for one never losing the others."""
    if not values:
        raise ValidationError({name: f"List at least one {what}."})
    if not all(isinstance(value, kind) for value in values):
        raise ValidationError({name: f"Each item is {_KIND_NAMES[kind]}."})
    if len(values) > BATCH_MAX:
        raise Refused(
            "too_many",
            f"{len(values)} {what}s in one request; send at most {BATCH_MAX} at a time.",
            413,
        )
    return values


def each(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One batch item's result: what `work` answers, or its refusal as `{"error": {…, "status"}}`."""
    try:
        return work()
    except Exception as exc:
        answer = refusal(exc)
        if answer is None:
            raise
        result = refusal_body(answer)
        result["error"]["status"] = answer.status
        return result


_KIND_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
    list: "a list",
    dict: "a JSON object",
}


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
