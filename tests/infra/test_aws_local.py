"""`scripts/aws-local`, the AWS backend without Docker, run as a user runs it: moto server, Redis,
tables and bucket, the demo portfolio, Celery worker and gunicorn; then a photo goes through the
presigned POST to the bucket, the worker makes its variants, and the public page serves them."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import time

import pytest
import requests
from PIL import Image

from .conftest import ROOT

pytestmark = pytest.mark.slow


def _free_port_block() -> int:
    """A port p with p, p+1 and p+2 free (the site, moto and Redis)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base > 60000:
            continue
        try:
            for offset in range(3):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise RuntimeError("no free block of three ports")


@pytest.fixture
def stack(tmp_path):
    port = _free_port_block()
    process = subprocess.Popen(
        [str(ROOT / "scripts/aws-local"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 420
    password = None
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"password (\S+)", line)
            if found:
                password = found.group(1)
                break
        assert password, "scripts/aws-local did not start:\n" + "".join(lines[-40:])
        yield f"http://127.0.0.1:{port}", password, "".join(lines)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _photo() -> bytes:
    image = Image.effect_noise((2200, 1500), 40).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.mark.redis  # scripts/aws-local starts a redis-server
def test_the_aws_backend_runs_locally_end_to_end(stack):
    url, password, output = stack
    assert "Storage ready (aws backend" in output and "Demo content ready" in output and "60 photos" in output
    ready = requests.get(url + "/readyz", timeout=10).json()
    assert ready["backend"] == "aws" and ready["status"] == "ok", ready

    session = requests.Session()
    login = session.get(url + "/admin/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    signed_in = session.post(
        url + "/admin/login",
        data={"csrf_token": token, "email": "admin@example.com", "password": password},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302
    listing = session.get(url + "/admin/projects/?category=travel").text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', listing).group(1)
    project_id, slug = re.search(
        r'data-id="([0-9a-f-]{36})">.*?class="muted small">/projects/([a-z0-9-]+)', listing, re.S
    ).groups()

    data = _photo()
    grant = session.post(
        url + "/api/media/uploads",
        headers={"X-CSRFToken": csrf},
        json={
            "project_id": project_id,
            "filename": "harbour.jpg",
            "content_type": "image/jpeg",
            "size": len(data),
        },
    )
    assert grant.status_code == 201, grant.text
    body = grant.json()
    assert body["upload"]["url"].startswith(
        f"http://127.0.0.1:{int(url.rsplit(':', 1)[1]) + 1}/"
    )  # straight to moto's S3
    sent = requests.post(
        body["upload"]["url"],
        data=body["upload"]["fields"],
        files={"file": ("harbour.jpg", data, "image/jpeg")},
        timeout=30,
    )
    assert sent.status_code in (200, 204), sent.text
    done = session.post(f"{url}/api/media/uploads/{body['photo_id']}/complete", headers={"X-CSRFToken": csrf})
    assert done.status_code == 202, done.text

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        photo = session.get(f"{url}/api/media/photos/{body['photo_id']}").json()
        if photo["status"] in ("ready", "failed"):
            break
        time.sleep(0.5)
    assert photo["status"] == "ready", photo
    assert {(v["width"], v["format"]) for v in photo["variants"]} >= {
        (320, "avif"),
        (1920, "webp"),
        (2200, "jpeg"),
    }

    # A photo goes live on a published project once it is described.
    described = session.post(
        f"{url}/admin/photos/{body['photo_id']}/text",
        data={f"{body['photo_id']}-alt_text": "A harbour at dusk", f"{body['photo_id']}-caption": ""},
        headers={"X-CSRFToken": csrf, "Accept": "application/json"},
    )
    assert described.status_code == 200, described.text
    page = requests.get(f"{url}/projects/{slug}", timeout=10)
    assert page.status_code == 200
    shown = re.findall(rf"/media/projects/{project_id}/variants/{body['photo_id']}/\d+\.avif", page.text)
    assert shown, "the new photo is not on the public page"
    variant = requests.get(url + shown[0], timeout=10)
    assert variant.status_code == 200 and variant.headers["Content-Type"] == "image/avif"
