"""/api/v1 projects and categories on both backends: keyset pages across categories, `?slug=`,
create a draft, change with `If-Match` (412 when stale), publish (refused without alt text,
saying which), unpublish, the trash; every change as the admin makes it (revision, activity)."""

from __future__ import annotations

from sgoodie.content import revisions, trash
from sgoodie.domain import Photo, Variant
from sgoodie.services import services


def test_projects_are_listed_a_page_at_a_time_across_categories(backend_app, bearer, portfolio_factory):
    portfolio = portfolio_factory(backend_app)
    made = [portfolio.project(f"Interior {n}", "interiors", photos=0) for n in range(3)]
    made += [portfolio.project(f"Trip {n}", "travel", published=False, photos=0) for n in range(2)]
    client, headers = backend_app.test_client(), bearer(backend_app, "read")
    seen, after, pages = [], "", 0
    while True:
        answer = client.get(f"/api/v1/projects?limit=2{'&after=' + after if after else ''}", headers=headers)
        assert answer.status_code == 200
        page = answer.get_json()
        seen += [p["id"] for p in page["items"]]
        pages += 1
        if page["next"] is None:
            break
        after = page["next"]
    assert seen == [p.id for p in made] and pages == 3
    found = client.get("/api/v1/projects?slug=trip-1", headers=headers).get_json()
    assert [p["id"] for p in found["items"]] == [made[4].id] and found["items"][0]["published"] is False
    assert client.get("/api/v1/projects?slug=nope", headers=headers).get_json() == {"items": [], "next": None}
    assert client.get("/api/v1/projects?after=garbage", headers=headers).status_code == 422
    assert client.get("/api/v1/projects?limit=500", headers=headers).status_code == 422
    categories = client.get("/api/v1/categories", headers=headers).get_json()["items"]
    assert [c["slug"] for c in categories] == ["interiors", "travel", "brand-marketing"]


def test_a_project_is_created_changed_published_and_trashed(backend_app, bearer):
    client, headers = backend_app.test_client(), bearer(backend_app, "read", "publish")
    created = client.post(
        "/api/v1/projects",
        json={"title": "Harbour Loft", "category": "interiors", "description": "Light *and* water"},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    project = created.get_json()
    assert project["published"] is False and project["slug"] == "harbour-loft"
    assert created.headers["Location"].endswith(f"/api/v1/projects/{project['id']}")
    url = f"/api/v1/projects/{project['id']}"
    read = client.get(url, headers=headers)
    assert read.headers["ETag"] == '"1"'

    changed = client.patch(url, json={"location": "Lisbon"}, headers={**headers, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.get_json()["location"] == "Lisbon"
    assert changed.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"location": "Porto"}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.get_json()["error"]["code"] == "precondition_failed"
    assert client.get(url, headers=headers).get_json()["location"] == "Lisbon"  # nothing written

    bad = client.patch(url, json={"title": 5, "colour": "red", "featured": "yes"}, headers=headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"title", "colour", "featured"}
    untitled = client.patch(url, json={"title": " "}, headers=headers)
    assert untitled.status_code == 422 and untitled.get_json()["error"]["fields"] == {
        "title": "A title is required."
    }
    client_gallery = client.patch(url, json={"visibility": "client"}, headers=headers)
    assert client_gallery.status_code == 422 and "password" in client_gallery.get_json()["error"]["message"]
    taken = client.post(
        "/api/v1/projects", json={"title": "Harbour Loft", "category": "travel"}, headers=headers
    )
    assert taken.status_code == 409 and "slug" in taken.get_json()["error"]["fields"]

    with backend_app.test_request_context():  # a ready photo without alt text holds publishing back
        photo = Photo(project_id=project["id"], status="ready", filename="a.jpg", width=1600, height=1067)
        photo.variants = [
            Variant(640, 427, "jpeg", f"projects/{project['id']}/variants/{photo.id}/640.jpg", 900)
        ]
        services().store.add_photo(photo)
    refused = client.post(f"{url}/publish", headers=headers)
    assert refused.status_code == 422 and "alt text" in refused.get_json()["error"]["message"]

    with backend_app.test_request_context():
        photo = services().store.photos_for_project(project["id"])[0]
    described = client.patch(
        f"/api/v1/photos/{photo.id}", json={"alt_text": "A loft by the harbour"}, headers=headers
    )
    assert described.status_code == 200, described.get_json()
    published = client.post(f"{url}/publish", headers=headers)
    assert published.status_code == 200 and published.get_json()["published"] is True
    assert client.get("/projects/harbour-loft").status_code == 200
    assert client.post(f"{url}/unpublish", headers=headers).get_json()["published"] is False
    with backend_app.test_request_context():
        kept = revisions.store().history("project", project["id"])
    assert [r.note for r in kept][:2] == ["Unpublished through the API", "Published through the API"]
    assert {r.who for r in kept} == {"API token “Test client”"}

    assert client.delete(url, headers={**headers, "If-Match": '"1"'}).status_code == 412
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    with backend_app.test_request_context():
        assert [(e.kind, e.title) for e in trash.entries()] == [("project", "Harbour Loft")]
