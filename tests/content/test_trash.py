"""The trash: a deleted project or photo leaves the site (and the cache) at once, comes back as
it was, and is emptied with its files by the sweeper after SGOODIE_TRASH_DAYS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sgoodie import content
from sgoodie.blobs import in_trash
from sgoodie.content import trash
from sgoodie.domain import ValidationError
from sgoodie.photos import edits as photo_edits
from sgoodie.services import services


def _files(app, project):
    with app.app_context():
        blobs = services().blobs
        for photo in services().store.photos_for_project(project.id):
            blobs.put(photo.original_key, b"original", content_type="image/jpeg")
            for variant in photo.variants:
                blobs.put(variant.key, b"variant", content_type="image/jpeg")
        return sorted(blobs.list_keys(f"projects/{project.id}/"))


def test_a_restored_project_takes_its_place_among_the_featured_projects_again(app, portfolio):
    featured = [portfolio.project(f"Featured {n}", "travel", featured=True) for n in range(1, 5)]
    second = featured[1]
    with app.test_request_context():
        content.projects.delete(services().store.get_project(second.id))
        home = services().store.get_pages(["home"])["home"]
        assert home.content["featured_order"] == [featured[0].id, featured[2].id, featured[3].id]
        assert services().jobs.wait(60)  # its files are under trash/ by now
        trash.restore(trash.entries()[0].key)
        home = services().store.get_pages(["home"])["home"]
    assert home.content["featured_order"] == [p.id for p in featured]  # second again, not last


def test_a_restored_project_comes_back_with_its_photos_order_cover_place_and_files(app, client, portfolio):
    first = portfolio.project("First", "travel")
    project = portfolio.project("Lisbon Loft", "travel", photos=4, featured=True)
    last = portfolio.project("Last", "travel")
    files = _files(app, project)
    with app.test_request_context():
        store = services().store
        photos = store.photos_for_project(project.id)
        order = [photos[3].id, photos[1].id, photos[0].id, photos[2].id]
        photo_edits.reorder(project, order)
        project = content.projects.set_cover(store.get_project(project.id), photos[1].id)
    assert "Lisbon Loft" in client.get("/work/travel").get_data(as_text=True)  # now cached
    assert client.get("/work/travel").headers["X-Cache"] == "HIT"

    with app.test_request_context():
        content.projects.delete(services().store.get_project(project.id))
    assert "Lisbon Loft" not in client.get("/work/travel").get_data(as_text=True)  # purged at once
    assert client.get("/projects/lisbon-loft").status_code == 404
    assert "Lisbon Loft" not in client.get("/").get_data(as_text=True)

    with app.test_request_context():
        (entry,) = trash.entries()
        assert (entry.kind, entry.title, entry.photo_count) == ("project", "Lisbon Loft", 4)
        assert services().jobs.wait(60)  # its files are under trash/ by now
        message = trash.restore(entry.key)
        store = services().store
        restored = store.get_project(project.id)
        assert message == "Restored “Lisbon Loft” with its 4 photos."
        assert [p.id for p in store.photos_for_project(project.id)] == order
        assert restored.cover_photo_id == photos[1].id and restored.cover is not None
        assert restored.featured and restored.published
        assert [p.id for p in store.projects_in_category("travel")] == [first.id, project.id, last.id]
        assert store.get_pages(["home"])["home"].content["featured_order"] == [project.id]
        assert sorted(services().blobs.list_keys(f"projects/{project.id}/")) == files
        assert trash.entries() == []
    page = client.get("/projects/lisbon-loft")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    gallery = [html.rindex(f'alt="Lisbon Loft photo {n}"') for n in (4, 2, 1, 3)]  # the cover shows first too
    assert gallery == sorted(gallery)
    assert "Lisbon Loft" in client.get("/work/travel").get_data(as_text=True)


def test_a_restored_photo_returns_to_its_place(app, client, portfolio):
    project = portfolio.project("Harbour", "interiors", photos=3)
    with app.test_request_context():
        store = services().store
        photos = store.photos_for_project(project.id)
        photo_edits.delete(photos[1])
        assert [p.id for p in store.photos_for_project(project.id)] == [photos[0].id, photos[2].id]
        assert "Harbour photo 2" not in client.get("/projects/harbour").get_data(as_text=True)
        (entry,) = trash.entries()
        assert entry.project_title == "Harbour"
        assert services().jobs.wait(60)  # its files are under trash/ by now
        trash.restore(entry.key)
        assert [p.id for p in store.photos_for_project(project.id)] == [p.id for p in photos]
    assert "Harbour photo 2" in client.get("/projects/harbour").get_data(as_text=True)


def test_a_photo_of_a_trashed_project_waits_for_its_project(app, portfolio, held_jobs):
    project = portfolio.project("Gone", "interiors", photos=2)
    files = _files(app, project)
    with app.test_request_context():
        store, blobs = services().store, services().blobs
        photo = store.photos_for_project(project.id)[0]
        photo_edits.delete(photo)
        content.projects.delete(store.get_project(project.id))
        photo_entry = next(e for e in trash.entries() if e.kind == "photo")
        with pytest.raises(ValidationError, match="restore the project first"):
            trash.restore(photo_entry.key)
        held_jobs.run_all()  # the files move under trash/ after the refusal: it touched none
        assert blobs.list_keys(f"projects/{project.id}/") == []
        assert in_trash(photo.original_key) in blobs.list_keys(in_trash(f"projects/{project.id}/"))
        trash.restore(next(e for e in trash.entries() if e.kind == "project").key)
        held_jobs.run_all()
        trash.restore(photo_entry.key)
        assert len(store.photos_for_project(project.id)) == 2
        assert sorted(blobs.list_keys(f"projects/{project.id}/")) == files


def test_a_project_whose_address_was_taken_meanwhile_comes_back_under_another(app, portfolio):
    project = portfolio.project("Taken", "interiors")
    with app.test_request_context():
        content.projects.delete(services().store.get_project(project.id))
    portfolio.project("Taken", "interiors")
    with app.test_request_context():
        assert services().jobs.wait(60)  # its files are under trash/ by now
        message = trash.restore(trash.entries()[0].key)
        restored = services().store.get_project(project.id)
        assert restored.slug.startswith("taken-") and f"/projects/{restored.slug}" in message


def test_the_sweeper_empties_old_entries_and_deletes_their_files(app, portfolio):
    old = portfolio.project("Old", "interiors", photos=2)
    recent = portfolio.project("Recent", "interiors", photos=1)
    _files(app, old)
    recent_files = _files(app, recent)
    with app.test_request_context():
        store = services().store
        content.projects.delete(store.get_project(old.id))
        photo_edits.delete(store.photos_for_project(recent.id)[0])
        assert content.trash.sweep_expired() == 0  # nothing is 30 days old yet
        in_31_days = datetime.now(UTC) + timedelta(days=31)
        # The project was deleted first: sweeping as of 31 days on, with a 30-day trash, empties
        # both; as of a moment between the two deletions it would empty only the first.
        first_deleted = trash._parse(trash.entries()[-1].deleted_at)
        assert trash.sweep(30, now=first_deleted + timedelta(days=30, microseconds=500)) == 1
        assert services().blobs.list_keys(f"projects/{old.id}/") == []
        assert [e.title for e in trash.entries()] == ["Recent photo 1"]
        assert trash.sweep(30, now=in_31_days) == 1
        assert trash.entries() == []
        assert services().blobs.list_keys(f"projects/{recent.id}/") == []
        assert recent_files  # there were files to delete


def _variant_urls(app, project) -> list[str]:
    with app.app_context():
        return [
            f"/media/{v.key}" for p in services().store.photos_for_project(project.id) for v in p.variants
        ]


def test_what_goes_to_the_trash_stops_being_served_at_once_and_comes_back_with_a_restore(
    app, client, portfolio
):
    project = portfolio.project("Lisbon Loft", "travel", photos=2)
    files = _files(app, project)
    urls = _variant_urls(app, project)
    assert all(client.get(url).status_code == 200 for url in urls)
    with app.test_request_context():
        photo = services().store.photos_for_project(project.id)[0]
        photo_edits.delete(photo)
    gone = [url for url in urls if photo.id in url]
    assert all(client.get(url).status_code == 404 for url in gone)  # at once, before its files move
    card = f"/share/500/500/{next(v.key for v in photo.variants if v.format == 'jpeg')}"
    assert client.get(card).status_code == 404  # nor its link-preview card
    with app.app_context():
        assert services().jobs.wait(60)
        blobs = services().blobs
        moved = blobs.list_keys(f"trash/projects/{project.id}/")
        assert sorted(k.removeprefix("trash/") for k in moved) == [k for k in files if photo.id in k]
        assert not [k for k in blobs.list_keys(f"projects/{project.id}/") if photo.id in k]
    with app.test_request_context():
        assert services().jobs.wait(60)  # its files are under trash/ by now
        trash.restore(trash.entries()[0].key)
    assert all(client.get(url).status_code == 200 for url in urls)
    with app.app_context():
        assert sorted(services().blobs.list_keys(f"projects/{project.id}/")) == files
        assert services().blobs.list_keys("trash/") == []


def test_a_trashed_projects_files_wait_under_trash_on_both_backends(backend_app, portfolio_factory):
    project = portfolio_factory(backend_app).project("Harbour Loft", "interiors")
    files = _files(backend_app, project)
    with backend_app.test_request_context():
        content.projects.delete(services().store.get_project(project.id))
        assert services().jobs.wait(60)
        blobs = services().blobs
        assert blobs.list_keys(f"projects/{project.id}/") == []
        assert sorted(k.removeprefix("trash/") for k in blobs.list_keys("trash/")) == files
        assert services().jobs.wait(60)  # its files are under trash/ by now
        trash.restore(trash.entries()[0].key)
        assert sorted(services().blobs.list_keys(f"projects/{project.id}/")) == files
        content.projects.delete(services().store.get_project(project.id))
        assert services().jobs.wait(60)
        trash.delete_forever(trash.entries()[0].key)
        assert services().blobs.list_keys("trash/") == [] and services().blobs.list_keys("projects/") == []
