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


# -- batches: a sync's photos a hundred at a time -------------------------------------------------------
def test_a_batch_adds_each_photo_on_its_own_and_answers_each_at_its_place(backend_app, api, queued, jpeg):
    client, headers, project_id = api
    first, second = jpeg(), jpeg(color=(10, 200, 30))
    url = f"/api/v1/projects/{project_id}/photos/batch"
    sent = [
        {"external_id": "a.jpg", **_file(first, "a.jpg")},
        {"external_id": "b.jpg", **_file(second, "b.jpg")},
        {"external_id": "logo.svg", "filename": "logo.svg", "size": 10, "sha256": "a" * 64},
        {"external_id": "huge.jpg", "filename": "huge.jpg", "size": 1 << 40, "sha256": "a" * 64},
        {"external_id": "c.jpg", "filename": "c.jpg", "size": 10, "sha256": "xyz"},
        {"external_id": "d.jpg", "colour": "red"},
        {"external_id": "a.jpg", **_file(first, "a.jpg")},  # the same key twice in one batch
    ]
    answer = client.post(url, json={"photos": sent}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    results = answer.get_json()["results"]
    assert len(results) == len(sent)
    a, b, svg, huge, bad, unknown, a_again = results
    assert (
        a["created"]
        and b["created"]
        and a["photo"]["status"] == "uploading"
        and a["upload"]["method"] == "POST"
    )
    assert [svg["error"]["status"], huge["error"]["status"], bad["error"]["status"]] == [415, 413, 422]
    assert "only" in svg["error"]["message"] and "sha256" in bad["error"]["fields"]
    assert unknown["error"]["status"] == 422 and "colour" in unknown["error"]["fields"]
    assert a_again["photo"]["id"] == a["photo"]["id"] and a_again["created"] is False
    with backend_app.app_context():
        stored = services().store.photos_for_project(project_id)
    assert sorted(p.external_id for p in stored) == ["a.jpg", "b.jpg"]  # the refused ones stored nothing

    send(backend_app, client, a["upload"], first)
    done = client.post(
        "/api/v1/photos/complete",
        json={"photo_ids": [a["photo"]["id"], b["photo"]["id"], "no-such-photo", a["photo"]["id"]]},
        headers=headers,
    )
    assert done.status_code == 200, done.get_json()
    completed, waiting, missing, completed_again = done.get_json()["results"]
    assert completed["photo"]["status"] == "queued" and completed_again["photo"]["status"] == "queued"
    assert waiting["error"]["code"] == "not_uploaded" and waiting["error"]["status"] == 409
    assert missing["error"]["status"] == 404
    queued.run_all()

    # Across batches: the same keys are the same photos; the one already stored needs no upload.
    again = client.post(url, json={"photos": sent[:2]}, headers=headers).get_json()["results"]
    assert [r["photo"]["id"] for r in again] == [a["photo"]["id"], b["photo"]["id"]]
    assert [r["created"] for r in again] == [False, False]
    assert again[0]["upload"] is None and again[0]["photo"]["status"] == "ready"
    assert again[1]["upload"]["method"] == "POST"  # still waiting for its file: a new form


def test_a_stored_file_that_is_no_photo_fails_only_its_own_item(backend_app, api, jpeg):
    client, headers, project_id = api
    good, text = jpeg(), b"not a photo at all"
    added = client.post(
        f"/api/v1/projects/{project_id}/photos/batch",
        json={
            "photos": [
                {"external_id": "good.jpg", **_file(good, "good.jpg")},
                {"external_id": "text.jpg", **_file(text, "text.jpg")},
            ]
        },
        headers=headers,
    ).get_json()["results"]
    for result, data in zip(added, (good, text), strict=True):
        send(backend_app, client, result["upload"], data)
    done = client.post(
        "/api/v1/photos/complete", json={"photo_ids": [r["photo"]["id"] for r in added]}, headers=headers
    ).get_json()["results"]
    assert done[0]["photo"]["status"] == "queued" and "error" not in done[0]
    assert done[1]["photo"]["status"] == "failed" and done[1]["error"]["code"] == "upload_refused"
    assert "not an image" in done[1]["error"]["message"]


def test_a_batch_past_its_limit_or_of_the_wrong_shape_does_nothing(backend_app, api):
    client, headers, project_id = api
    url = f"/api/v1/projects/{project_id}/photos/batch"
    photo = {"external_id": "x", "filename": "x.jpg", "size": 10, "sha256": "a" * 64}
    many = [{**photo, "external_id": f"x{n}"} for n in range(101)]
    too_many = client.post(url, json={"photos": many}, headers=headers)
    assert too_many.status_code == 413 and too_many.get_json()["error"]["code"] == "too_many"
    assert "at most 100" in too_many.get_json()["error"]["message"]
    for refused in ({"photos": []}, {"photos": ["x.jpg"]}, {"photos": photo}, {}):
        answer = client.post(url, json=refused, headers=headers)
        assert answer.status_code == 422, (refused, answer.get_json())
    ids = client.post("/api/v1/photos/complete", json={"photo_ids": ["p"] * 101}, headers=headers)
    assert ids.status_code == 413
    for refused in ({"photo_ids": []}, {"photo_ids": [1, 2]}, {"photo_ids": "p"}):
        assert client.post("/api/v1/photos/complete", json=refused, headers=headers).status_code == 422
    missing = client.post("/api/v1/projects/nope/photos/batch", json={"photos": [photo]}, headers=headers)
    assert missing.status_code == 404
    with backend_app.app_context():
        assert services().store.photos_for_project(project_id) == []


def test_batches_need_the_publish_scope_and_count_as_their_items(backend_app, api, bearer):
    client, headers, project_id = api
    reader = bearer(backend_app, "read")
    photo = {"external_id": "x", "filename": "x.jpg", "size": 10, "sha256": "a" * 64}
    batch_url = f"/api/v1/projects/{project_id}/photos/batch"
    for url, payload in ((batch_url, {"photos": [photo]}), ("/api/v1/photos/complete", {"photo_ids": ["p"]})):
        assert client.post(url, json=payload).status_code == 401
        refused = client.post(url, json=payload, headers=reader)
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "insufficient_scope"

    backend_app.config["API_RATE"] = 5
    limited = bearer(backend_app, "publish")
    four = [{**photo, "external_id": f"x{n}"} for n in range(4)]
    assert client.post(batch_url, json={"photos": four}, headers=limited).status_code == 200  # 4 of 5
    over = client.post(batch_url, json={"photos": four[:2]}, headers=limited)  # 4 + 2 > 5
    assert over.status_code == 429 and over.get_json()["error"]["code"] == "rate_limited"
    with backend_app.app_context():
        assert len(services().store.photos_for_project(project_id)) == 4  # nothing of the refused batch
