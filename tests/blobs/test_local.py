"""What only the local store does: its presigned posts go to the app's own endpoint, with a
signed token that pins the key, the type and the size, and expires."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature, SignatureExpired

from sgoodie.blobs.local import LocalBlobStore, UploadSigner


@pytest.fixture
def blobs(tmp_path):
    return LocalBlobStore(
        tmp_path / "media", signer=UploadSigner("test-secret"), upload_url=lambda: "/api/media/upload"
    )


def test_the_token_grants_this_key_type_and_size_only(blobs):
    post = blobs.presigned_post(
        "projects/p/original/x.gif", content_type="image/gif", max_bytes=5000, expires_in=300
    )
    assert post["url"] == "/api/media/upload"
    grant = UploadSigner("test-secret").check(post["fields"]["token"])
    assert (grant["key"], grant["type"], grant["max"]) == ("projects/p/original/x.gif", "image/gif", 5000)
    with pytest.raises(BadSignature):
        UploadSigner("another-secret").check(post["fields"]["token"])
    with pytest.raises(BadSignature):
        UploadSigner("test-secret").check(post["fields"]["token"][:-4] + "AAAA")


def test_the_token_expires(blobs):
    post = blobs.presigned_post(
        "projects/p/original/x.jpg", content_type="image/jpeg", max_bytes=5000, expires_in=-1
    )
    with pytest.raises(SignatureExpired):
        UploadSigner("test-secret").check(post["fields"]["token"])


def test_a_store_without_an_upload_endpoint_says_so(tmp_path):
    with pytest.raises(RuntimeError, match="upload endpoint"):
        LocalBlobStore(tmp_path).presigned_post(
            "projects/p/original/x.jpg", content_type="image/jpeg", max_bytes=10
        )
