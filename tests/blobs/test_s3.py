"""What only the S3 store does: object metadata and presigned browser uploads."""

from __future__ import annotations

import base64
import json

import pytest
from moto import mock_aws

from sgoodie.blobs import IMMUTABLE


@pytest.fixture
def blobs(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    from sgoodie.blobs.s3 import S3BlobStore

    with mock_aws():
        store = S3BlobStore.from_config({"AWS_REGION": "us-east-1", "BUCKET": "sgoodie-photos-test"})
        store.prepare()
        yield store


def test_s3_objects_carry_type_and_cache_control(blobs):
    blobs.put("projects/p/variants/x/640.avif", b"avif", content_type="image/avif", cache_control=IMMUTABLE)
    head = blobs.client.head_object(Bucket=blobs.bucket, Key="projects/p/variants/x/640.avif")
    assert head["ContentType"] == "image/avif" and head["CacheControl"] == IMMUTABLE


def test_presigned_post_policy_pins_key_type_and_size(blobs):
    post = blobs.presigned_post("projects/p/original/x.jpg", content_type="image/jpeg", max_bytes=5_000_000, expires_in=300)
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": "projects/p/original/x.jpg"} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, 5_000_000] in conditions
    assert {"bucket": blobs.bucket} in conditions
    # moto does not enforce the policy (DESIGN.md), but an upload with the fields lands where it should.
    import requests

    response = requests.post(post["url"], data=post["fields"], files={"file": ("x.jpg", b"\xff\xd8\xffdata")})
    assert response.status_code in (200, 204)
    assert blobs.get("projects/p/original/x.jpg") == b"\xff\xd8\xffdata"
