"""The contract both blob stores keep (local disk and S3 through moto)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from sgoodie.blobs import IMMUTABLE, BlobNotFoundError


@pytest.fixture(params=["local", "s3"])
def blobs(request, tmp_path, monkeypatch):
    if request.param == "local":
        from sgoodie.blobs.local import LocalBlobStore

        store = LocalBlobStore(tmp_path / "media")
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
    blobs.put("projects/p/variants/x/320.jpg", b"jpeg-bytes", content_type="image/jpeg", cache_control=IMMUTABLE)
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
    keys = [f"projects/p/variants/{photo}/{w}.webp" for photo in ("a", "b") for w in (320, 640)] + ["projects/q/original/c.jpg"]
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
