"""Latency of the upload callback (issue 4): `POST /api/media/uploads/<id>/complete` must answer
202 well under 300 ms, because it only checks the stored file and queues the job.

    .venv/bin/python bench/upload_complete.py [--photos 60]

Embedded default, in-process (Flask test client, signed in, CSRF on): it uploads N real JPEGs
through the app's signed upload endpoint, then times each `complete` call while the background
worker is busy making the variants of the earlier ones (the worst case: the job shares the
process). The baseline, measured in the same run, is `GET /api/media/photos/<id>` (one store read).
"""

from __future__ import annotations

import sys

# bench/http.py is named like the standard library's `http`; keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import io
import re
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sgoodie import create_app
from sgoodie.accounts import create_or_reset_admin
from sgoodie.services import services


def _jpeg(seed: int) -> bytes:
    image = Image.effect_noise((3000, 2000), 30 + seed % 20).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "DEV_MODE": True})
        with app.app_context():
            services().store.init_schema()
            services().blobs.prepare()
            create_or_reset_admin("bench@example.com", "bench password 123")
            from sgoodie import content
            from sgoodie.domain import Project

            with app.test_request_context():
                project = content.projects.create(Project(title="Bench", category="travel"))
        client = app.test_client()
        login = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post(
            "/admin/login",
            data={"csrf_token": token, "email": "bench@example.com", "password": "bench password 123"},
        )
        csrf = re.search(
            r'<meta name="csrf-token" content="([^"]+)"', client.get("/admin/").get_data(as_text=True)
        ).group(1)

        files = [_jpeg(n) for n in range(min(args.photos, 8))]
        photo_ids = []
        for n in range(args.photos):
            data = files[n % len(files)]
            grant = client.post(
                "/api/media/uploads",
                headers={"X-CSRFToken": csrf},
                json={
                    "project_id": project.id,
                    "filename": f"p{n}.jpg",
                    "content_type": "image/jpeg",
                    "size": len(data),
                },
            )
            body = grant.get_json()
            sent = client.post(
                body["upload"]["url"],
                data={**body["upload"]["fields"], "file": (io.BytesIO(data), f"p{n}.jpg", "image/jpeg")},
            )
            assert sent.status_code == 204, sent.get_data(as_text=True)
            photo_ids.append(body["photo_id"])

        complete_ms, status_ms = [], []
        for photo_id in photo_ids:
            started = time.perf_counter()
            done = client.post(f"/api/media/uploads/{photo_id}/complete", headers={"X-CSRFToken": csrf})
            complete_ms.append((time.perf_counter() - started) * 1000)
            assert done.status_code == 202, done.get_data(as_text=True)
            started = time.perf_counter()
            client.get(f"/api/media/photos/{photo_id}")
            status_ms.append((time.perf_counter() - started) * 1000)

        with app.app_context():
            drained = app.extensions["sgoodie.services"].jobs.wait(timeout=600)
            ready = sum(p.status == "ready" for p in services().store.photos_for_project(project.id))

    print(
        f"{args.photos} uploads of 6 MP JPEGs, embedded default, jobs running in the same process meanwhile"
    )
    for label, values in (("complete (202)", complete_ms), ("photo status (baseline)", status_ms)):
        print(
            f"  {label:24} p50 {statistics.median(values):6.1f} ms  p99 {_percentile(values, 0.99):6.1f} ms  max {max(values):6.1f} ms"
        )
    print(
        f"  complete / baseline at p50: {statistics.median(complete_ms) / statistics.median(status_ms):.1f}x; target p99 < 300 ms"
    )
    print(f"  afterwards: {ready}/{args.photos} photos ready (queue drained: {drained})")


if __name__ == "__main__":
    main()
