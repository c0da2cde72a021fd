"""What only the S3 store does: object metadata, presigned browser uploads, multipart streams."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from moto import mock_aws

from sgoodie.blobs import IMMUTABLE


@pytest.fixture
def fake_aws(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def blobs(fake_aws):
    from sgoodie.blobs.s3 import S3BlobStore

    store = S3BlobStore.from_config({"AWS_REGION": "us-east-1", "BUCKET": "sgoodie-photos-test"})
    store.prepare()
    return store


def test_s3_objects_carry_type_and_cache_control(blobs):
    blobs.put("projects/p/variants/x/640.avif", b"avif", content_type="image/avif", cache_control=IMMUTABLE)
    head = blobs.client.head_object(Bucket=blobs.bucket, Key="projects/p/variants/x/640.avif")
    assert head["ContentType"] == "image/avif" and head["CacheControl"] == IMMUTABLE


def test_presigned_post_policy_pins_key_type_and_size(blobs):
    post = blobs.presigned_post(
        "projects/p/original/x.jpg", content_type="image/jpeg", max_bytes=5_000_000, expires_in=300
    )
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": "projects/p/original/x.jpg"} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, 5_000_000] in conditions
    assert {"bucket": blobs.bucket} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert timedelta(seconds=240) < expires - datetime.now(UTC) <= timedelta(seconds=300)
    # moto does not enforce the policy's size range (the upload callback checks it again), but an
    # upload with the fields lands where it should.
    import requests

    response = requests.post(post["url"], data=post["fields"], files={"file": ("x.jpg", b"\xff\xd8\xffdata")})
    assert response.status_code in (200, 204)
    assert blobs.get("projects/p/original/x.jpg") == b"\xff\xd8\xffdata"


def test_put_stream_sends_big_files_in_parts_and_aborts_a_refused_one(blobs):
    calls = []
    blobs.client.meta.events.register("before-call.s3.*", lambda model, **kwargs: calls.append(model.name))
    data = bytes(range(256)) * (12 * 4096)  # 12 MB: two parts
    blobs.put_stream("projects/p/original/big.tif", io.BytesIO(data), max_bytes=len(data))
    assert calls.count("UploadPart") == 2 and "PutObject" not in calls
    assert (
        blobs.client.head_object(Bucket=blobs.bucket, Key="projects/p/original/big.tif")["ContentType"]
        == "image/tiff"
    )
    calls.clear()
    with pytest.raises(ValueError):
        blobs.put_stream("projects/p/original/over.tif", io.BytesIO(data), max_bytes=10 * 1024 * 1024)
    assert "AbortMultipartUpload" in calls and "CompleteMultipartUpload" not in calls
    assert blobs.client.list_multipart_uploads(Bucket=blobs.bucket).get("Uploads", []) == []


def test_big_prefixes_are_listed_and_deleted_in_pages_of_a_thousand(blobs):
    keys = [f"projects/p/variants/{n:05d}/320.jpg" for n in range(1001)]
    for key in keys:
        blobs.client.put_object(Bucket=blobs.bucket, Key=key, Body=b"")
    blobs.put("projects/q/variants/x/320.jpg", b"kept", content_type="image/jpeg")
    calls = []
    blobs.client.meta.events.register("before-call.s3.*", lambda model, **kwargs: calls.append(model.name))
    assert blobs.list_keys("projects/p/") == keys
    assert calls.count("ListObjectsV2") == 2
    calls.clear()
    blobs.delete_prefix("projects/p/")
    assert calls.count("DeleteObjects") == 2
    assert blobs.list_keys("projects/") == ["projects/q/variants/x/320.jpg"]


def test_prepare_creates_the_bucket_outside_us_east_1(fake_aws):
    from sgoodie.blobs.s3 import S3BlobStore

    store = S3BlobStore.from_config({"AWS_REGION": "eu-central-1", "BUCKET": "sgoodie-photos-eu"})
    store.prepare()
    store.prepare()
    assert (
        store.client.get_bucket_location(Bucket="sgoodie-photos-eu")["LocationConstraint"] == "eu-central-1"
    )
    store.check()


def test_uploads_can_go_to_the_address_browsers_know(fake_aws):
    from sgoodie.blobs.s3 import S3BlobStore

    store = S3BlobStore.from_config(
        {
            "AWS_REGION": "us-east-1",
            "BUCKET": "sgoodie-photos-test",
            "AWS_ENDPOINT_URL": "http://aws:5000",
            "UPLOAD_ENDPOINT": "http://localhost:5000",
        }
    )
    post = store.presigned_post("projects/p/original/x.jpg", content_type="image/jpeg", max_bytes=10)
    assert post["url"] == "http://localhost:5000/sgoodie-photos-test"
    assert post["fields"]["key"] == "projects/p/original/x.jpg" and "policy" in post["fields"]
