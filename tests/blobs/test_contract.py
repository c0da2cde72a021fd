"""The contract both blob stores keep (local disk and S3 through moto)."""

from __future__ import annotations

import io

import pytest
from moto import mock_aws

from sgoodie.blobs import IMMUTABLE, BlobNotFoundError, BlobStore


@pytest.fixture(params=["local", "s3"])
def blobs(request, tmp_path, monkeypatch):
    if request.param == "local":
        from sgoodie.blobs.local import LocalBlobStore, UploadSigner

        store = LocalBlobStore(
            tmp_path / "media", signer=UploadSigner("test-secret"), upload_url=lambda: "/api/media/upload"
        )
        store.prepare()
        yield store
        return
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    from sgoodie.blobs.s3 import S3BlobStore

    with mock_aws():
        store = S3BlobStore.from_config({"AWS_REGION": "eu-west-1", "BUCKET": "sgoodie-photos-test"})
        store.prepare()
        store.prepare()  # idempotent
        yield store


def test_put_get_head_open(blobs):
    blobs.put(
        "projects/p/variants/x/320.jpg", b"jpeg-bytes", content_type="image/jpeg", cache_control=IMMUTABLE
    )
    assert blobs.get("projects/p/variants/x/320.jpg") == b"jpeg-bytes"
    info = blobs.head("projects/p/variants/x/320.jpg")
    assert info.size == 10 and info.content_type == "image/jpeg"
    with blobs.open("projects/p/variants/x/320.jpg") as fh:
        assert fh.read() == b"jpeg-bytes"
    assert blobs.head("projects/p/missing.jpg") is None
    with pytest.raises(BlobNotFoundError):
        blobs.get("projects/p/missing.jpg")
    blobs.check()


def test_list_and_delete(blobs):
    keys = [f"projects/p/variants/{photo}/{w}.webp" for photo in ("a", "b") for w in (320, 640)] + [
        "projects/q/original/c.jpg"
    ]
    for key in keys:
        blobs.put(key, b"x", content_type="image/webp")
    assert blobs.list_keys("projects/p/") == sorted(keys[:4])
    assert blobs.list_keys("projects/p/variants/a/") == sorted(keys[:2])
    blobs.delete_many([keys[0], "projects/p/not-there.webp"])
    assert keys[0] not in blobs.list_keys("projects/p/")
    blobs.delete_prefix("projects/p/")
    assert blobs.list_keys("projects/p/") == []
    assert blobs.list_keys("projects/q/") == ["projects/q/original/c.jpg"]
    with pytest.raises(ValueError):
        blobs.delete_prefix("")


def test_every_backend_has_every_method_of_the_protocol(blobs):
    assert isinstance(blobs, BlobStore)


def test_put_stream_stores_the_stream_and_refuses_more_than_allowed(blobs):
    data = b"\xff\xd8\xff" + bytes(range(256)) * 40
    assert blobs.put_stream("projects/p/original/a.jpg", io.BytesIO(data), max_bytes=len(data)) == len(data)
    assert blobs.get("projects/p/original/a.jpg") == data
    assert blobs.head("projects/p/original/a.jpg").content_type == "image/jpeg"  # from the key, like put
    with pytest.raises(ValueError):
        blobs.put_stream("projects/p/original/b.gif", io.BytesIO(data), max_bytes=len(data) - 1)
    assert blobs.head("projects/p/original/b.gif") is None
    assert blobs.list_keys("projects/p/") == ["projects/p/original/a.jpg"]


def test_put_stream_of_a_big_file(blobs):
    """Above boto3's multipart threshold (8 MB) the S3 store sends parts; either way a file one
    byte over the limit leaves nothing behind."""
    data = bytes(range(256)) * (9 * 4096)  # 9 MB
    assert blobs.put_stream("projects/p/original/big.tif", io.BytesIO(data), max_bytes=len(data)) == len(data)
    assert blobs.head("projects/p/original/big.tif").size == len(data)
    with pytest.raises(ValueError):
        blobs.put_stream("projects/p/original/over.tif", io.BytesIO(data), max_bytes=len(data) - 1)
    assert blobs.head("projects/p/original/over.tif") is None


def test_presigned_post_is_a_form_for_one_file_of_one_type(blobs):
    post = blobs.presigned_post(
        "projects/p/original/x.heic", content_type="image/heic", max_bytes=5_000_000, expires_in=300
    )
    assert set(post) == {"url", "fields"} and isinstance(post["url"], str) and post["url"]
    assert all(isinstance(name, str) and isinstance(value, str) for name, value in post["fields"].items())
    assert post["fields"]["Content-Type"] == "image/heic"  # the browser sends the type the grant pins
    assert "file" not in post["fields"]  # the browser adds the file


def test_copy_streams_an_object_to_another_key(blobs):
    data = b"\xff\xd8\xff" + bytes(range(256)) * 64
    blobs.put("projects/p/variants/x/320.jpg", data, content_type="image/jpeg", cache_control=IMMUTABLE)
    blobs.copy(
        "projects/p/variants/x/320.jpg",
        "private/projects/p/variants/x/320.jpg",
        cache_control="private, no-store",
    )
    assert blobs.get("private/projects/p/variants/x/320.jpg") == data
    assert blobs.head("private/projects/p/variants/x/320.jpg").content_type == "image/jpeg"
    assert blobs.get("projects/p/variants/x/320.jpg") == data  # the source stays until deleted
    with pytest.raises(BlobNotFoundError):
        blobs.copy("projects/p/variants/missing/320.jpg", "private/projects/p/variants/missing/320.jpg")


def test_a_presigned_get_reads_a_private_file_or_the_app_serves_it(blobs):
    """S3 answers a presigned GET (the app's signed links redirect to one valid a minute); the disk
    has none, and the app's signed-link route serves the file itself."""
    import requests

    blobs.put("private/plugins/proofing/zips/a.zip", b"PK-bytes", content_type="application/zip")
    url = blobs.presigned_get(
        "private/plugins/proofing/zips/a.zip", expires_in=60, download_name="Smith gallery.zip"
    )
    if url is None:
        assert not hasattr(blobs.client if hasattr(blobs, "client") else blobs, "generate_presigned_url")
        return
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == b"PK-bytes"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Smith%20gallery.zip" in response.headers["Content-Disposition"]
    assert "X-Amz-Expires=60" in url
