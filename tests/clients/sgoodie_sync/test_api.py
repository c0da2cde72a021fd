"""The HTTP side: the multipart body streamed from disk, and the site's errors as sentences."""

from __future__ import annotations

import io

import requests
from werkzeug.formparser import parse_form_data

from sgoodie_sync.api import MultipartFile, _refusal


def test_the_upload_body_is_multipart_with_the_fields_first_and_counts_what_it_sends(tmp_path):
    photo = tmp_path / "Kraków harbour.jpg"
    content = bytes(range(256)) * 5000  # 1.28 MB, several chunks
    photo.write_bytes(content)
    counted = []
    body = MultipartFile(
        {"key": "projects/p/original/x.jpg", "policy": "abc==", "Content-Type": "image/jpeg"},
        photo,
        photo.name,
        "image/jpeg",
        counted.append,
    )
    raw = b"".join(body)
    assert len(raw) == len(body) and sum(counted) == len(content)
    assert raw.index(b'name="policy"') < raw.index(b'name="file"')  # S3 wants the file last
    _, form, files = parse_form_data(
        {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": body.content_type,
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
        }
    )
    assert form.to_dict() == {
        "key": "projects/p/original/x.jpg",
        "policy": "abc==",
        "Content-Type": "image/jpeg",
    }
    assert files["file"].read() == content and files["file"].filename == "Kraków harbour.jpg"


def _response(status: int, body: bytes, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code, response._content, response.url = status, body, "https://example.com/x"
    response.headers["Content-Type"] = content_type
    return response


def test_errors_are_the_sites_own_sentence():
    error = _refusal(_response(409, b'{"error": {"code": "conflict", "message": "Changed meanwhile."}}'))
    assert (error.status, error.code, str(error)) == (409, "conflict", "Changed meanwhile.")
    assert "refused the token" in str(_refusal(_response(401, b"")))
    s3 = _refusal(
        _response(
            403,
            b"<Error><Code>AccessDenied</Code><Message>Policy expired.</Message></Error>",
            "application/xml",
        ),
        api=False,
    )
    assert str(s3).endswith("Policy expired.") and s3.status == 403


def test_a_file_the_site_could_not_use_is_refused_with_the_photos_reason():
    refused = _refusal(
        _response(422, b'{"id": "p1", "status": "failed", "error": "This file is not a photo."}')
    )
    assert (refused.status, str(refused)) == (422, "This file is not a photo.")
