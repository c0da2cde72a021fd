"""What only the local store does: its presigned posts go to the app's own endpoint, with a
signed token that pins the key, the type and the size, and expires."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature, SignatureExpired

from sgoodie.blobs import BlobNotFoundError
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


def test_a_key_no_file_can_be_named_is_no_such_blob(blobs):
    for key in ("projects/a/variants/b/\x00.jpg", "projects/a/variants/b/" + "x" * 300 + ".jpg"):
        assert blobs.head(key) is None
        with pytest.raises(BlobNotFoundError):
            blobs.get(key)
        with pytest.raises(BlobNotFoundError):
            blobs.open(key)
        blobs.delete_many([key])  # nothing to delete: no error either
    blobs.put("projects/a/original/b.jpg", b"jpeg", content_type="image/jpeg")
    assert blobs.head("projects/a/original/b.jpg/320.jpg") is None  # a file used as a folder
