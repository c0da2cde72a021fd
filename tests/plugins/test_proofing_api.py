"""The proofing plugin's /api/v1 endpoints on both backends: the client galleries, and each list
of a gallery with its picks (file names, external ids, notes) merged over its clients, each
client's own selection and when it was sent; the `galleries` scope only."""

from __future__ import annotations

from dataclasses import replace

from sgoodie import content, tokens
from sgoodie.accounts import create_or_reset_admin
from sgoodie.services import services
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, AdminActions
from tests.plugins.test_proofing import Client, settings
from tests.test_gallery_access import backend_app, make_gallery, to_client_gallery

__all__ = ["backend_app"]


def _headers(app, *scopes):
    with app.app_context():
        _, secret = tokens.create("Lightroom", list(scopes), 0)
    return {"Authorization": f"Bearer {secret}"}


def test_a_desktop_tool_reads_the_clients_picks(backend_app, jpeg):
    app = backend_app
    project, photos = make_gallery(app, jpeg)
    with app.app_context():  # as the sync client left them: its own key on each photo
        for number, photo in enumerate(photos):
            current = services().store.get_photo(photo.id)
            services().store.update_photo(replace(current, external_id=f"2026/{photo.filename}#{number}"))
    project = to_client_gallery(app, project)
    with app.app_context():
        create_or_reset_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    admin = AdminActions(app.test_client())
    assert admin.login().status_code == 302
    settings(admin, project)
    plugins_page = admin.client.get("/admin/plugins").get_data(as_text=True)
    assert "API: /api/v1/galleries, /api/v1/galleries/&lt;project_id&gt;/selections" in plugins_page
    ana, ben = Client(app, project), Client(app, project)
    ana.start()
    ben.start(name="Ben Ode", email="ben@example.com")
    ana.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Favourites", "action": "add"})
    ana.post(f"/gallery/{project.id}/photos/{photos[1].id}/note", {"note": "Warmer, please"})
    ana.post(f"/gallery/{project.id}/submit")
    ben.post(f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Website", "action": "add"})
    ben.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Favourites", "action": "add"})
    ben.post(f"/gallery/{project.id}/photos/{photos[1].id}/note", {"note": "Yes"})

    http = app.test_client()
    headers = _headers(app, "galleries")
    listed = http.get("/api/v1/galleries", headers=headers).get_json()
    assert [g["project_id"] for g in listed["items"]] == [project.id] and listed["next"] is None
    assert listed["items"][0]["clients"] == 2 and listed["items"][0]["sent_at"]

    answer = http.get(f"/api/v1/galleries/{project.id}/selections", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    chosen = answer.get_json()
    favourites, website = chosen["lists"]
    assert favourites["name"] == "Favourites" and website["name"] == "Website"
    assert favourites["photos"] == [
        {
            "photo_id": photos[1].id,
            "filename": "IMG_0002.jpg",
            "external_id": "2026/IMG_0002.jpg#1",
            "note": "Ana Lopes: Warmer, please\nBen Ode: Yes",
        }
    ]
    assert [p["filename"] for p in website["photos"]] == ["IMG_0001.jpg"]
    by_name = {c["name"]: c for c in chosen["clients"]}
    assert by_name["Ana Lopes"]["sent_at"] and by_name["Ben Ode"]["sent_at"] is None
    assert chosen["sent_at"] == by_name["Ana Lopes"]["sent_at"]

    assert http.get("/api/v1/galleries", headers=_headers(app, "read", "publish")).status_code == 403
    missing = http.get("/api/v1/galleries/nope/selections", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_a_gallery_made_public_again_leaves_the_list(backend_app, jpeg):
    app = backend_app
    project, _ = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    headers = _headers(app, "galleries")
    http = app.test_client()
    assert len(http.get("/api/v1/galleries", headers=headers).get_json()["items"]) == 1
    with app.test_request_context():
        current = services().store.get_project(project.id)
        content.projects.save(replace(current, visibility="public"), current)
    assert http.get("/api/v1/galleries", headers=headers).get_json()["items"] == []
    assert http.get("/api/v1/galleries?limit=0", headers=headers).status_code == 422
