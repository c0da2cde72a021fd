"""/api/v1 photos on both backends, as a sync client uses them: add by external id (the same key
twice is the same photo, also after an interruption at any step), upload straight to storage,
complete, replace the original (same id and text), text from the file never over what the
photographer typed, order, trash, pages of photos."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import urlsplit

import pytest

from sgoodie.services import services

pytestmark = pytest.mark.usefixtures("queued")


@pytest.fixture
def api(backend_app, bearer):
    """A client with a publish+read token and a project to sync into."""
    client, headers = backend_app.test_client(), bearer(backend_app, "read", "publish")
    project = client.post("/api/v1/projects", json={"title": "Desk", "category": "travel"}, headers=headers)
    return client, headers, project.get_json()["id"]


def _file(data: bytes, name: str = "IMG_1.jpg") -> dict:
    return {
        "filename": name,
        "content_type": "image/jpeg",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def send(app, client, upload: dict, data: bytes) -> None:
    """The file to where `upload` says: the app's own endpoint (embedded default), or the bucket
    (AWS: what the presigned POST stores, put here as moto runs in this process)."""
    if app.config["BACKEND"] == "aws":
        with app.app_context():
            services().blobs.put(upload["fields"]["key"], data, content_type="image/jpeg")
        return
    answer = client.post(
        urlsplit(upload["url"]).path, data={**upload["fields"], "file": (io.BytesIO(data), "IMG_1.jpg")}
    )
    assert answer.status_code == 204, answer.get_data(as_text=True)


def test_a_photo_is_added_uploaded_completed_and_found_again_by_its_key(backend_app, api, queued, jpeg):
    client, headers, project_id = api
    data = jpeg()
    added = client.post(
        f"/api/v1/projects/{project_id}/photos",
        json={"external_id": "2026/a.jpg", **_file(data)},
        headers=headers,
    )
    assert added.status_code == 201, added.get_json()
    photo, upload = added.get_json()["photo"], added.get_json()["upload"]
    assert (
        photo["status"] == "uploading" and photo["external_id"] == "2026/a.jpg" and upload["method"] == "POST"
    )
    assert photo["sha256"] == hashlib.sha256(data).hexdigest()
    early = client.post(f"/api/v1/photos/{photo['id']}/complete", headers=headers)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_uploaded"

    send(backend_app, client, upload, data)
    done = client.post(f"/api/v1/photos/{photo['id']}/complete", headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "queued"
    queued.run_all()
    assert client.get(f"/api/v1/photos/{photo['id']}", headers=headers).get_json()["status"] == "ready"

    again = client.post(
        f"/api/v1/projects/{project_id}/photos",
        json={"external_id": "2026/a.jpg", **_file(data)},
        headers=headers,
    )
    assert again.status_code == 200 and again.get_json()["photo"]["id"] == photo["id"]
    assert again.get_json()["upload"] is None  # the site has this very file
    listed = client.get(f"/api/v1/projects/{project_id}/photos", headers=headers).get_json()
    assert [p["id"] for p in listed["items"]] == [photo["id"]] and listed["next"] is None


def test_an_interrupted_sync_run_again_makes_no_second_photo(backend_app, api, queued, jpeg):
    client, headers, project_id = api
    data = jpeg()
    url = f"/api/v1/projects/{project_id}/photos"
    first = client.post(url, json={"external_id": "b", **_file(data)}, headers=headers).get_json()
    # Stopped before the upload: run again, the same photo and a new upload for it.
    second = client.post(url, json={"external_id": "b", **_file(data)}, headers=headers)
    assert second.status_code == 200 and second.get_json()["photo"]["id"] == first["photo"]["id"]
    assert second.get_json()["upload"] is not None
    # Stopped after the upload, before `complete`: run again, the file is found and checked.
    send(backend_app, client, second.get_json()["upload"], data)
    third = client.post(url, json={"external_id": "b", **_file(data)}, headers=headers).get_json()
    assert third["photo"]["id"] == first["photo"]["id"] and third["upload"] is None
    assert third["photo"]["status"] == "queued"
    queued.run_all()
    with backend_app.app_context():
        assert len(services().store.photos_for_project(project_id)) == 1


def test_a_changed_file_replaces_the_original_keeping_id_text_and_order(backend_app, api, queued, jpeg):
    client, headers, project_id = api
    old, new = jpeg(color=(10, 20, 30)), jpeg(size=(1000, 700), color=(200, 100, 50))
    url = f"/api/v1/projects/{project_id}/photos"
    added = client.post(url, json={"external_id": "c", **_file(old)}, headers=headers).get_json()
    photo_id = added["photo"]["id"]
    send(backend_app, client, added["upload"], old)
    client.post(f"/api/v1/photos/{photo_id}/complete", headers=headers)
    queued.run_all()
    client.patch(
        f"/api/v1/photos/{photo_id}",
        json={"alt_text": "A harbour at dawn", "focal_x": 0.2, "focal_y": 0.7},
        headers=headers,
    )

    unchanged = client.post(f"/api/v1/photos/{photo_id}/replace", json=_file(old), headers=headers)
    assert unchanged.status_code == 200 and unchanged.get_json()["upload"] is None
    changed = client.post(url, json={"external_id": "c", **_file(new, "IMG_1-edit.jpg")}, headers=headers)
    assert changed.status_code == 200
    assert changed.get_json()["photo"]["status"] == "replacing" and changed.get_json()["upload"]
    send(backend_app, client, changed.get_json()["upload"], new)
    assert client.post(f"/api/v1/photos/{photo_id}/complete", headers=headers).status_code == 200
    queued.run_all()
    after = client.get(f"/api/v1/photos/{photo_id}", headers=headers).get_json()
    assert after["status"] == "ready" and after["width"] == 1000 and after["filename"] == "IMG_1-edit.jpg"
    assert after["sha256"] == hashlib.sha256(new).hexdigest()
    assert (after["alt_text"], after["focal_x"], after["focal_y"]) == ("A harbour at dawn", 0.2, 0.7)


def test_text_from_the_file_never_overwrites_what_the_photographer_typed(backend_app, api, jpeg):
    client, headers, project_id = api
    data = jpeg()
    photo_id = client.post(
        f"/api/v1/projects/{project_id}/photos", json={"external_id": "d", **_file(data)}, headers=headers
    ).get_json()["photo"]["id"]
    url = f"/api/v1/photos/{photo_id}"
    offered = client.patch(
        url,
        json={"from_file": True, "alt_text": "Dawn over the harbour", "caption": "Lisbon, 2026"},
        headers=headers,
    )
    assert offered.status_code == 200 and offered.get_json()["applied"] == ["alt_text", "caption"]
    assert offered.get_json()["photo"]["alt_text_from_file"] is True
    typed = client.patch(url, json={"alt_text": "Boats at first light"}, headers=headers).get_json()
    assert typed["photo"]["alt_text_from_file"] is False and typed["applied"] == ["alt_text"]
    later = client.patch(
        url, json={"from_file": True, "alt_text": "New title", "caption": "Lisbon, May 2026"}, headers=headers
    ).get_json()
    assert later["applied"] == ["caption"]
    assert (
        later["photo"]["alt_text"] == "Boats at first light"
        and later["photo"]["caption"] == "Lisbon, May 2026"
    )
    refused = client.patch(url, json={"focal_x": 3}, headers=headers)
    assert refused.status_code == 422


def test_photos_are_ordered_paged_and_trashed(backend_app, api, jpeg):
    client, headers, project_id = api
    url = f"/api/v1/projects/{project_id}/photos"
    ids = [
        client.post(
            url, json={"external_id": f"p{n}", **_file(jpeg(color=(n, n, n)))}, headers=headers
        ).get_json()["photo"]["id"]
        for n in range(5)
    ]
    assert client.put(f"{url}/order", json={"photo_ids": ids[::-1]}, headers=headers).status_code == 204
    seen, after = [], ""
    while True:
        page = client.get(f"{url}?limit=2{'&after=' + after if after else ''}", headers=headers).get_json()
        seen += [p["id"] for p in page["items"]]
        if not page["next"]:
            break
        after = page["next"]
    assert seen == ids[::-1]
    unknown = client.put(f"{url}/order", json={"photo_ids": ["nope"]}, headers=headers)
    assert unknown.status_code == 422 and "nope" in unknown.get_json()["error"]["message"]
    assert client.delete(f"/api/v1/photos/{ids[0]}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/photos/{ids[0]}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/photos/{ids[0]}", headers=headers).status_code == 404
    again = client.post(url, json={"external_id": "p0", **_file(jpeg(color=(0, 0, 0)))}, headers=headers)
    assert again.status_code == 201 and again.get_json()["photo"]["id"] != ids[0]  # its key was freed


def test_a_file_the_site_does_not_take_is_refused_before_anything_is_stored(backend_app, api):
    client, headers, project_id = api
    url = f"/api/v1/projects/{project_id}/photos"
    svg = client.post(
        url,
        json={"external_id": "e", "filename": "logo.svg", "size": 10, "sha256": "a" * 64},
        headers=headers,
    )
    assert svg.status_code == 415
    huge = client.post(
        url,
        json={"external_id": "e", "filename": "a.jpg", "size": 1 << 40, "sha256": "a" * 64},
        headers=headers,
    )
    assert huge.status_code == 413
    bad = client.post(
        url, json={"external_id": "e\n", "filename": "a.jpg", "size": 10, "sha256": "xyz"}, headers=headers
    )
    assert bad.status_code == 422 and "sha256" in bad.get_json()["error"]["fields"]
    with backend_app.app_context():
        assert services().store.photos_for_project(project_id) == []
