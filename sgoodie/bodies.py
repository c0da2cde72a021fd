"""Request bodies: each one bounded before it is read, and parsed without a server error.

Every endpoint accepts a body up to a limit that fits what it takes, declared where the view is:

- `@body_limit(16 * 1024)` on a view: the largest body it accepts, in bytes;
- `@body_limit(256 * 1024, files=max_upload_bytes)`: a view that also takes files (multipart/form-data)
  may receive up to `files` more bytes of them; they are streamed to temporary files, never held
  in memory, while everything else it is sent stays within the first limit;
- `blueprint_body_limit(bp, 256 * 1024)` for every view of a blueprint that declares none;
- `DEFAULT_LIMIT` (64 KiB) for everything else, a 404 or 405 included.
A limit is a number of bytes or a function of the app config returning one (`max_upload_bytes`).

`init_app` registers a hook that runs before any other (before the CSRF check reads the form)
and looks the limit up for the matched endpoint. A `Content-Length` over it is answered 413 at
once, nothing read. Otherwise the limit becomes the request's `max_content_length`, and a body
sent without a length (chunked: gunicorn and werkzeug's server mark such input as terminated)
is read through `BoundedInput`, which answers 413 as soon as more than the limit arrives; a body
with neither a length nor that mark is not read at all. The form fields kept in memory are held to the view's limit all
together (werkzeug alone holds each field to a limit, so a thousand fields could take a thousand
times as much), and a multipart form to `MAX_FORM_PARTS` parts.

JSON is parsed by `loads` (the app's JSON provider uses it too): nesting too deep for the parser,
or a string that is not Unicode text, is malformed input, a ValueError (400), never a 500.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from flask import Blueprint, Flask, abort, request
from flask import Request as FlaskRequest
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

#: Any endpoint that declares nothing: sign-in, JSON calls, small forms, and every URL that
#: matched no endpoint.
DEFAULT_LIMIT = 64 * 1024
#: Parts of one multipart form (fields and files). The longest admin form, a page with a large
#: gallery, sends a few dozen.
MAX_FORM_PARTS = 256
#: Room for the boundaries and part headers around uploaded files.
MULTIPART_ROOM = 64 * 1024

Limit = int | Callable[[Mapping[str, Any]], int]
View = TypeVar("View", bound=Callable[..., Any])
_ATTRIBUTE = "_sgoodie_body_limit"


@dataclass(frozen=True)
class BodyLimit:
    """What one endpoint accepts: `max_bytes` of anything, plus `files` bytes of uploaded files."""

    max_bytes: Limit
    files: Limit | None = None

    def __post_init__(self) -> None:
        for value in (self.max_bytes, self.files):
            if value is not None and not callable(value) and (not isinstance(value, int) or value < 0):
                raise ValueError(
                    f"a body limit is a number of bytes or a function of the config, not {value!r}"
                )

    def resolve(self, config: Mapping[str, Any], mimetype: str) -> tuple[int, int]:
        """(largest body, largest total of form fields held in memory) for a body of this type."""
        in_memory = _bytes(self.max_bytes, config)
        if self.files is None or mimetype != "multipart/form-data":
            return in_memory, in_memory
        return in_memory + _bytes(self.files, config) + MULTIPART_ROOM, in_memory


def _bytes(limit: Limit, config: Mapping[str, Any]) -> int:
    return int(limit(config)) if callable(limit) else limit


def max_upload_bytes(config: Mapping[str, Any]) -> int:
    """The `files` limit of a view that takes photos: the largest photo (`SGOODIE_MAX_UPLOAD_MB`)."""
    return int(config["MAX_UPLOAD_BYTES"])


def body_limit(max_bytes: Limit, *, files: Limit | None = None) -> Callable[[View], View]:
    """Decorator: the largest request body this view accepts, in bytes (or a function of the app
    config returning it); `files`: how many bytes of uploaded files a multipart form may carry
    on top. Larger bodies are answered 413 before the view runs, or while they stream."""
    limit = BodyLimit(max_bytes, files)

    def declare(view: View) -> View:
        setattr(view, _ATTRIBUTE, limit)
        return view

    return declare


def blueprint_body_limit(blueprint: Blueprint, max_bytes: Limit, *, files: Limit | None = None) -> Blueprint:
    """The limit of the blueprint's views that declare no `body_limit` of their own."""
    setattr(blueprint, _ATTRIBUTE, BodyLimit(max_bytes, files))
    return blueprint


def limit_for(app: Flask, endpoint: str | None) -> BodyLimit:
    """The body limit of an endpoint: its view's, else its innermost blueprint's, else the default."""
    declared: BodyLimit | None = None
    if endpoint is not None:
        declared = getattr(app.view_functions.get(endpoint), _ATTRIBUTE, None)
        parts = endpoint.split(".")[:-1]
        while declared is None and parts:
            declared = getattr(app.blueprints.get(".".join(parts)), _ATTRIBUTE, None)
            parts.pop()
    return declared or BodyLimit(DEFAULT_LIMIT)


def init_app(app: Flask) -> None:
    """Install the limit hook first of all `before_request` hooks, so nothing reads a body before it."""

    def bound_the_body() -> None:
        largest, fields = limit_for(app, request.endpoint).resolve(app.config, request.mimetype)
        request.max_content_length = largest
        request.max_form_memory_size = fields
        request.max_form_parts = MAX_FORM_PARTS
        if request.content_length is None:
            # Streamed (chunked): werkzeug stops reading at the limit but would take the first
            # `largest` bytes for the whole body; this stream says 413 when more is coming.
            request.environ["wsgi.input"] = BoundedInput(request.environ["wsgi.input"], largest)
        elif request.content_length > largest:
            abort(413)

    def refuse_json_that_is_not_an_object() -> None:
        """Every JSON endpoint and form takes an object; a list, string or number would reach
        `.get` (or Flask-WTF's form data) and fail there as a 500. Told by its first character,
        without parsing: building a large array here would cost what the body limits save."""
        if request.is_json and request.content_length != 0:
            first = request.get_data(cache=True).lstrip()[:1]
            if first and first != b"{":
                abort(400, "Send a JSON object.")

    app.before_request_funcs.setdefault(None, []).insert(0, bound_the_body)
    app.before_request_funcs[None].insert(1, refuse_json_that_is_not_an_object)


class BoundedInput(io.RawIOBase):
    """`wsgi.input` of a body sent without a length: at most `limit` bytes come through, and
    reaching the limit with more still to come raises 413 (RequestEntityTooLarge)."""

    def __init__(self, stream: IO[bytes], limit: int):
        self.stream, self.limit, self.pos = stream, limit, 0
        self._more: bool | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.limit - self.pos)
        if wanted <= 0:
            self._refuse_if_more()
            return 0
        data = self.stream.read(wanted)
        buffer[: len(data)] = data
        self.pos += len(data)
        if self.pos >= self.limit:
            self._refuse_if_more()
        return len(data)

    def _refuse_if_more(self) -> None:
        if self._more is None:
            self._more = bool(self.stream.read(1))
        if self._more:
            raise RequestEntityTooLarge()


def too_large_message() -> str:
    """What a 413 says: the limit of the address that refused the body."""
    limit = request.max_content_length or DEFAULT_LIMIT
    size = f"{limit / 1048576:.0f} MB" if limit >= 1048576 else f"{max(1, limit // 1024)} KB"
    return f"This request is larger than the {size} this address accepts."


# -- forms ----------------------------------------------------------------------------------------
class _FieldBudgetParser(MultiPartParser):
    """werkzeug's multipart parsing (its sans-IO decoder, the same events handled the same way),
    with the non-file fields held to `max_form_memory_size` all together rather than each."""

    def parse(
        self, stream: IO[bytes], boundary: bytes, content_length: int | None
    ) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
        budget = self.max_form_memory_size
        # The decoder holds at most a chunk read (file data included) in its buffer at a time.
        buffered = None if budget is None else max(budget, 4 * self.buffer_size)
        decoder = MultipartDecoder(boundary, max_form_memory_size=buffered, max_parts=self.max_form_parts)
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        held = 0
        part: Field | File | None = None
        chunks: list[bytes] = []
        container: IO[bytes] | None = None
        for data in _chunks(stream, self.buffer_size):
            decoder.receive_data(data)
            event = decoder.next_event()
            while not isinstance(event, (Epilogue, NeedData)):
                if isinstance(event, Field):
                    part, chunks = event, []
                elif isinstance(event, File):
                    part, container = event, self.start_file_streaming(event, content_length)
                elif isinstance(event, Data) and isinstance(part, Field):
                    held += len(event.data)
                    if budget is not None and held > budget:
                        raise RequestEntityTooLarge()
                    chunks.append(event.data)
                    if not event.more_data:
                        charset = self.get_part_charset(part.headers)
                        fields.append((part.name, b"".join(chunks).decode(charset, "replace")))
                elif isinstance(event, Data) and isinstance(part, File) and container is not None:
                    container.write(event.data)
                    if not event.more_data:
                        container.seek(0)
                        files.append(
                            (
                                part.name,
                                FileStorage(container, part.filename, part.name, headers=part.headers),
                            )
                        )
                event = decoder.next_event()
        return self.cls(fields), self.cls(files)


def _chunks(stream: IO[bytes], size: int) -> Iterator[bytes | None]:
    while data := stream.read(size):
        yield data
    yield None  # the end of the body


class _FormDataParser(FormDataParser):
    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> tuple[IO[bytes], MultiDict[str, Any], MultiDict[str, Any]]:
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = _FieldBudgetParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class Request(FlaskRequest):
    """The app's request class: multipart forms keep their fields within one memory budget."""

    form_data_parser_class = _FormDataParser


# -- JSON -----------------------------------------------------------------------------------------
def loads(data: str | bytes | bytearray, **kwargs: Any) -> Any:
    """`json.loads` for input from outside: nesting too deep to parse, and strings that are not
    Unicode text (a lone surrogate escape, `"\\ud800"`, which no store or encoder takes), raise
    ValueError like any other malformed JSON."""
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    _check_text(value)
    return value


def _check_text(value: Any) -> None:
    """Raise ValueError (UnicodeEncodeError) for any string in `value` that is not valid UTF-8."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            item.encode("utf-8")
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON provider parsing with `loads`: `request.get_json()` answers a too-deeply
    nested body 400 (or None when silent), like any other malformed JSON."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)
