"""The proofing plugin's sets (made, renamed, ordered, hidden, deleted; photos moved into them in
bulk; the client's set navigation, a hidden set's photos out of reach), the client's favourites
as a ZIP (its entries the originals, or the clean resize of the download size), and galleries
whose settings predate watermarks settling on the Automatic rule; on both backends."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace

import requests

from sgoodie import content
from sgoodie.domain import Project
from sgoodie.photos import edits as photo_edits
from sgoodie.plugin_api import photo_file
from sgoodie.plugins.proofing import records
from sgoodie.services import services
from tests.conftest import AdminActions, SgoodieCliRunner, signed_in_client
from tests.plugins.test_proofing import Client
from tests.test_gallery_access import backend_app, to_client_gallery, upload_photo, wait_for_jobs

__all__ = ["backend_app"]

NAMES = ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg", "IMG_0004.jpg"]


def four_photo_gallery(app, jpeg, *, title="Lisbon Wedding", **settings):
    """A client gallery of four photos, with the given proofing settings."""
    with app.test_request_context():
        project = content.projects.create(Project(title=title, category="interiors"))
        photos = [upload_photo(project, jpeg(color=(50 * i, 80, 120)), name) for i, name in enumerate(NAMES)]
        for photo in photos:
            photo_edits.update_text(photo, f"Photo {photo.filename}", "")
        current = services().store.get_project(project.id)
        project = content.projects.save(replace(current, published=True), current)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        records.save_gallery_settings(project.id, records.GallerySettings(**settings))
    return project, photos


def shown_ids(html: str) -> list[str]:
    return re.findall(r'class="proof-grid__item" id="photo-([^"]+)"', html)


def set_links(html: str) -> list[tuple[str, str]]:
    """(name, count) of each link of the set navigation, in order."""
    nav = re.search(r'<nav class="proofing-sets".*?</nav>', html, re.S)
    if nav is None:
        return []
    return re.findall(r'>([^<>]+?) <span class="proofing-sets__count">(\d+)</span>', nav.group(0))


def stored_sets(app, project) -> records.GallerySets:
    with app.test_request_context():
        return records.gallery_sets(project.id)


def test_the_photographer_groups_the_gallery_into_sets_the_client_moves_between(backend_app, jpeg):
    app = backend_app
    project, photos = four_photo_gallery(app, jpeg, downloads="single")
    admin = AdminActions(signed_in_client(app))
    page = f"/admin/proofing/{project.id}"
    for name in ("Ceremony", "Portraits", "Details"):
        assert admin.post(f"{page}/sets", {"name": name}).status_code == 302
    refused = admin.post(f"{page}/sets", {"name": " ceremony "})
    assert refused.status_code == 400 and "already a set called “ceremony”" in refused.get_data(as_text=True)
    assert 'value=" ceremony "' in refused.get_data(as_text=True)  # what was typed stays
    assert admin.post(f"{page}/sets", {"name": "   "}).status_code == 400
    ceremony, portraits, details = (item["id"] for item in stored_sets(app, project).sets)

    assert (
        admin.post(f"{page}/sets/{details}", {"action": "rename", "name": "Details & rings"}).status_code
        == 302
    )
    assert admin.post(f"{page}/sets/{details}", {"action": "up"}).status_code == 302
    assert [s["name"] for s in stored_sets(app, project).sets] == ["Ceremony", "Details & rings", "Portraits"]

    move = f"{page}/sets/move"
    nothing = admin.post(move, {"set": ceremony})
    assert nothing.status_code == 302  # nothing selected: said so, nothing changed
    admin.client.post(  # two photos at once, as the grid's checkboxes send them
        move,
        data={
            "photo": [photos[0].id, photos[1].id],
            "set": ceremony,
            "csrf_token": admin.csrf_token("/admin/"),
        },
    )
    admin.post(move, {"photo": photos[2].id, "set": portraits})
    admin.post(move, {"photo": photos[1].id, "set": details})  # one set at most: it leaves Ceremony
    sets = stored_sets(app, project)
    assert [sets.set_of(p.id) for p in photos] == [ceremony, details, portraits, records.OTHER]
    view = admin.client.get(page).get_data(as_text=True)
    assert "Move to set" in view and "Details &amp; rings (1)" in view and "Other (1)" in view
    only_ceremony = admin.client.get(f"{page}?in={ceremony}").get_data(as_text=True)
    assert (
        photos[0].filename in only_ceremony
        and photos[2].filename not in only_ceremony.split("Move to set")[1]
    )

    client = Client(app, project)
    client.start()
    everything = client.page()
    assert set_links(everything) == [
        ("All", "4"),
        ("Ceremony", "1"),
        ("Details &amp; rings", "1"),
        ("Portraits", "1"),
        ("Other", "1"),
    ]
    assert shown_ids(everything) == [p.id for p in photos]
    one_set = client.http.get(f"{client.gallery_url}?set={ceremony}").get_data(as_text=True)
    assert shown_ids(one_set) == [photos[0].id] and 'aria-current="page">Ceremony' in one_set
    other = client.http.get(f"{client.gallery_url}?set=other").get_data(as_text=True)
    assert shown_ids(other) == [photos[3].id]
    # A heart in a set comes back to the set, at the photo (the plain form).
    marked = client.post(
        f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Favourites", "set": ceremony}
    )
    assert marked.headers["Location"].endswith(f"?set={ceremony}#photo-{photos[0].id}")

    assert admin.post(f"{page}/sets/{portraits}", {"action": "hide"}).status_code == 302
    hidden = client.page()
    assert ("Portraits", "1") not in set_links(hidden) and photos[2].id not in shown_ids(hidden)
    assert set_links(hidden)[0] == ("All", "3")
    guessed = client.http.get(f"{client.gallery_url}?set={portraits}").get_data(as_text=True)
    assert photos[2].id not in shown_ids(guessed)  # a hidden set's address shows the rest
    assert (
        client.post(f"/gallery/{project.id}/photos/{photos[2].id}/mark", {"list": "Favourites"}).status_code
        == 404
    )
    assert client.post(f"/gallery/{project.id}/photos/{photos[2].id}/download").status_code == 404
    assert admin.post(f"{page}/sets/{portraits}", {"action": "show"}).status_code == 302
    assert photos[2].id in shown_ids(client.page())

    assert admin.post(f"{page}/sets/{ceremony}", {"action": "delete"}).status_code == 302
    sets = stored_sets(app, project)
    assert [s["name"] for s in sets.sets] == ["Details & rings", "Portraits"]
    assert sets.set_of(photos[0].id) == records.OTHER  # its photo stays, in no set
    gone = admin.post(f"{page}/sets/{ceremony}", {"action": "rename", "name": "Again"})
    assert gone.status_code == 400 and "no longer exists" in gone.get_data(as_text=True)
    wait_for_jobs(app)


def test_a_gallery_without_sets_shows_no_set_navigation(backend_app, jpeg):
    app = backend_app
    project, photos = four_photo_gallery(app, jpeg)
    client = Client(app, project)
    client.start()
    page = client.page()
    assert set_links(page) == [] and shown_ids(page) == [p.id for p in photos]


def test_a_thousand_photo_gallery_keeps_its_sets_in_one_small_record(backend_app):
    """Sets are one record per gallery: 1,000 photos' assignments read back whole, far under
    DynamoDB's 400 KB item limit."""
    app = backend_app
    sets = records.GallerySets()
    with app.test_request_context():
        groups = [sets.add(f"Set {n}")["id"] for n in range(10)]
        photo_ids = [f"{n:08x}-0000-4000-8000-{n:012x}" for n in range(1000)]
        for n, group in enumerate(groups):
            sets.assign(photo_ids[n * 100 : (n + 1) * 100], group)
        records.save_sets("gallery-1", sets)
        back = records.gallery_sets("gallery-1")
    assert back == sets and len(json.dumps(records.asdict(back))) < 80_000


def _zip_body(app, client: Client, progress_url: str) -> bytes:
    link = client.http.get(progress_url + "/file")
    assert link.status_code == 303
    response = client.http.get(link.headers["Location"])
    if app.config["BACKEND"] == "aws":
        return requests.get(response.headers["Location"], timeout=30).content
    assert "-favourites.zip" in response.headers["Content-Disposition"]
    return response.data


def test_download_my_favourites_as_a_zip_of_the_clean_files(backend_app, jpeg):
    app = backend_app
    project, photos = four_photo_gallery(app, jpeg, lists=["Favourites", "Print"], downloads="off")
    client = Client(app, project)
    client.start()
    marked = (
        (photos[0], "Favourites"),
        (photos[0], "Print"),
        (photos[2], "Favourites"),
        (photos[3], "Print"),
    )
    for photo, list_name in marked:
        client.post(f"/gallery/{project.id}/photos/{photo.id}/mark", {"list": list_name})
    favourites = f"/gallery/{project.id}/favourites.zip"
    assert "Download my favourites" not in client.page()
    assert client.post(favourites).status_code == 403  # downloads off: no ZIP either

    with app.test_request_context():  # single photos, watermarked previews: the ZIP is still clean
        records.save_gallery_settings(
            project.id,
            records.GallerySettings(lists=["Favourites", "Print"], downloads="single", watermark="on"),
        )
    page = client.page()
    assert "Download my favourites" in page and "Favourites (2)" in page and "Print (2)" in page
    assert "All my lists (3)" in page  # a photo in two lists counts once
    started = client.post(favourites, {"list": "Favourites"})
    assert started.status_code == 303
    wait_for_jobs(app)
    ready = client.http.get(started.headers["Location"]).get_data(as_text=True)
    assert "Your favourites (Favourites): 2 photos" in ready
    with zipfile.ZipFile(io.BytesIO(_zip_body(app, client, started.headers["Location"]))) as archive:
        assert archive.namelist() == [photos[0].filename, photos[2].filename]
        with app.app_context():
            for photo in (photos[0], photos[2]):
                assert archive.read(photo.filename) == services().blobs.get(photo.original_key)

    with app.test_request_context():
        records.save_gallery_settings(
            project.id,
            records.GallerySettings(lists=["Favourites", "Print"], downloads="single", size="1280"),
        )
    every_list = client.post(favourites, {"list": ""})
    wait_for_jobs(app)
    with zipfile.ZipFile(io.BytesIO(_zip_body(app, client, every_list.headers["Location"]))) as archive:
        with app.test_request_context():
            current = [services().store.get_photo(p.id) for p in (photos[0], photos[2], photos[3])]
            clean = {f.filename: f.open().read() for f in (photo_file(p, 1280) for p in current)}
        assert sorted(archive.namelist()) == sorted(clean)
        for name, data in clean.items():
            assert archive.read(name) == data and data[:3] == b"\xff\xd8\xff"
    assert client.post(favourites, {"list": "Website"}).status_code == 400
    with app.test_request_context():
        logged = [entry["what"] for entry in records.recent_downloads(project.id)]
    assert any("Your favourites (Favourites) ZIP, 2 photos (Original files)" in what for what in logged)
    assert any("Your favourites (all lists) ZIP, 3 photos (Web size (1280 px))" in what for what in logged)

    with app.test_request_context():
        records.save_gallery_settings(
            project.id,
            records.GallerySettings(
                lists=["Favourites", "Print"], downloads="single", pin_hash="x", pin_epoch=1
            ),
        )
    asked = client.post(favourites)
    assert asked.status_code == 303 and f"/gallery/{project.id}/pin" in asked.headers["Location"]


def test_an_empty_favourites_zip_is_refused_with_a_reason(backend_app, jpeg):
    app = backend_app
    project, _ = four_photo_gallery(app, jpeg, downloads="all")
    client = Client(app, project)
    client.start()
    refused = client.post(f"/gallery/{project.id}/favourites.zip")
    assert refused.status_code == 400 and "mark some with the heart first" in refused.get_data(as_text=True)


def test_galleries_saved_before_watermarks_follow_the_automatic_rule(backend_app, jpeg):
    """Settings without a watermark choice (saved before watermarks) with downloads on: the
    project held the core's default, "previews"; `sgoodie reindex` (or opening the gallery)
    makes it "off", as Automatic says, and stores the choice as Automatic."""
    app = backend_app
    project, _ = four_photo_gallery(app, jpeg)
    second, _ = four_photo_gallery(app, jpeg, title="Porto Engagement")
    old_settings = {
        "lists": ["Favourites"],
        "downloads": "all",
        "size": "original",
        "pin_hash": "",
        "pin_epoch": 0,
    }
    with app.test_request_context():
        for gallery in (project, second):
            records.GALLERIES.put(gallery.id, old_settings)
            assert services().store.get_project(gallery.id).gallery_watermark == "previews"

    result = SgoodieCliRunner(app).invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        for gallery in (project, second):
            assert services().store.get_project(gallery.id).gallery_watermark == "off"
            assert records.GALLERIES.get(gallery.id)["watermark"] == "auto"

    with app.test_request_context():  # never reindexed: the admin opening it settles it
        records.GALLERIES.put(project.id, {**old_settings, "downloads": "single"})
        current = services().store.get_project(project.id)
        content.projects.save(replace(current, gallery_watermark="previews"), current)
    admin = AdminActions(signed_in_client(app))
    assert admin.client.get(f"/admin/proofing/{project.id}").status_code == 200
    with app.test_request_context():
        assert services().store.get_project(project.id).gallery_watermark == "off"
    with app.test_request_context():  # a chosen "on" is never overridden
        records.save_gallery_settings(second.id, records.GallerySettings(downloads="all", watermark="on"))
    SgoodieCliRunner(app).invoke(args=["reindex"])
    with app.test_request_context():
        assert records.gallery_settings(second.id).watermark == "on"
    wait_for_jobs(app)


def test_a_hidden_sets_photos_are_in_no_zip_and_not_in_the_selection(backend_app, jpeg):
    app = backend_app
    project, photos = four_photo_gallery(app, jpeg, downloads="all")
    client = Client(app, project)
    client.start()
    for photo in photos[:2]:
        client.post(f"/gallery/{project.id}/photos/{photo.id}/mark", {"list": "Favourites"})
    with app.test_request_context():  # marked, then its set hidden by the photographer
        sets = records.GallerySets()
        outtakes = sets.add("Outtakes")["id"]
        sets.assign([photos[1].id], outtakes)
        sets.set_hidden(outtakes, True)
        records.save_sets(project.id, sets)
    assert "Download all 3 photos (ZIP)" in client.page()
    favourites = client.http.get(client.post(f"/gallery/{project.id}/favourites.zip").headers["Location"])
    whole = client.http.get(client.post(f"/gallery/{project.id}/zip").headers["Location"])
    wait_for_jobs(app)
    assert "Your favourites: 1 photo," in client.http.get(favourites.request.path).get_data(as_text=True)
    assert "Whole gallery: 3 photos," in client.http.get(whole.request.path).get_data(as_text=True)
    selection = client.http.get(f"/gallery/{project.id}/selection").get_data(as_text=True)
    assert photos[0].filename in selection and photos[1].filename not in selection
