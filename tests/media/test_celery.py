"""The AWS backend's job path for real: Redis as broker, a Celery worker process, S3 and DynamoDB
on a moto server, the browser's presigned POST to the bucket."""

from __future__ import annotations

import io
import os
import signal
import time
from pathlib import Path

import psutil
import pytest
import requests

from sgoodie.services import services

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _upload(app, admin_client, data: bytes, project_id: str) -> str:
    grant = admin_client.post_json(
        "/api/media/uploads",
        {"project_id": project_id, "filename": "big.jpg", "content_type": "image/jpeg", "size": len(data)},
    )
    assert grant.status_code == 201, grant.get_data(as_text=True)
    body = grant.get_json()
    assert body["upload"]["url"].startswith(
        os.environ["AWS_ENDPOINT_URL"]
    )  # straight to the bucket, not through the app
    response = requests.post(
        body["upload"]["url"],
        data=body["upload"]["fields"],
        files={"file": ("big.jpg", data, "image/jpeg")},
        timeout=30,
    )
    assert response.status_code in (200, 204), response.text
    done = admin_client.client.post(
        f"/api/media/uploads/{body['photo_id']}/complete",
        headers={"X-CSRFToken": admin_client.csrf_token("/admin/")},
    )
    assert done.status_code == 202, done.get_data(as_text=True)
    return body["photo_id"]


def _wait(app, photo_id, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            photo = services().store.get_photo(photo_id)
        if photo.status in ("ready", "failed"):
            return photo
        time.sleep(0.2)
    raise AssertionError(f"photo still {photo.status} after {timeout}s")


def _big_jpeg(size=(6000, 4000)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture
def signed_in(aws_app, actions_for):
    from sgoodie.accounts import create_or_reset_admin

    with aws_app.app_context():
        create_or_reset_admin("ops@example.com", "a long enough passphrase")
    actions = actions_for(aws_app.test_client())
    assert actions.login("ops@example.com", "a long enough passphrase").status_code == 302
    return actions


def test_upload_to_s3_then_a_celery_worker_makes_it_ready(
    aws_app, signed_in, worker, portfolio_factory, jpeg
):
    project = portfolio_factory(aws_app).project("On AWS", "travel", photos=0)
    worker()
    photo = _wait(aws_app, _upload(aws_app, signed_in, jpeg(), project.id))
    assert photo.status == "ready", photo.error
    with aws_app.app_context():
        blobs = services().blobs
        head = blobs.client.head_object(Bucket=blobs.bucket, Key=photo.variants[0].key)
        assert head["CacheControl"] == "public, max-age=31536000, immutable"
    # The job marks the photo ready, then (its last step) makes it the cover of a project without one.
    deadline = time.monotonic() + 10
    while True:
        with aws_app.app_context():
            cover = services().store.get_project(project.id).cover_photo_id
        if cover or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert cover == photo.id
    # Visitors see it once it is described (the project is published already).
    page = aws_app.test_client().get("/projects/on-aws")
    assert page.status_code == 200 and photo.variants[0].key not in page.get_data(as_text=True)
    saved = signed_in.post(
        f"/admin/photos/{photo.id}/text", {f"{photo.id}-alt_text": "A quay", f"{photo.id}-caption": ""}
    )
    assert saved.status_code == 302
    page = aws_app.test_client().get("/projects/on-aws")
    assert page.status_code == 200 and photo.variants[0].key in page.get_data(as_text=True)


def test_a_worker_killed_mid_job_hands_the_job_to_the_next_one(aws_app, signed_in, worker, portfolio_factory):
    project = portfolio_factory(aws_app).project("Killed", "travel", photos=0)
    first = worker()
    data = _big_jpeg()
    assert first.ready.wait(60), "".join(first.lines)
    photo_id = _upload(aws_app, signed_in, data, project.id)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with aws_app.app_context():
            if services().store.get_photo(photo_id).status == "processing":
                break
        time.sleep(0.05)
    children = psutil.Process(first.pid).children(recursive=True)
    assert children, "the worker has a pool process"
    for child in children:
        child.send_signal(signal.SIGKILL)  # the pool process dies mid-job, like an OOM kill
    photo = _wait(aws_app, photo_id, timeout=120)
    assert photo.status == "ready" and photo.attempts >= 2
