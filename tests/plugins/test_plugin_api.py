"""What the plugin API lets plugins do to the site's content: read it through a view that cannot
write, and change it only through the operations that apply the admin's rules."""

from __future__ import annotations

import pytest

from sgoodie import signals
from sgoodie.content import revisions
from sgoodie.domain import ValidationError
from sgoodie.plugin_api import PROJECT_FIELDS, Plugin, current_store
from sgoodie.services import services

READS = {
    "get_project",
    "project_by_slug",
    "projects_in_category",
    "projects_by_ids",
    "get_photo",
    "photos_for_project",
    "get_pages",
}


def test_plugins_cannot_write_through_the_store(app, portfolio):
    project = portfolio.project("Harbour House")
    with app.test_request_context():
        view = current_store()
        store = services().store
        writes = {name for name in dir(store) if not name.startswith("_")} - READS
        assert {"update_project", "delete_project", "save_page", "records", "create_admin"} <= writes
        for name in writes:
            assert not hasattr(view, name), f"the plugins' store offers {name}"
        with pytest.raises(AttributeError):
            view.update_project(project)
        with pytest.raises(AttributeError):
            view.records = store.records  # nothing can be attached to it either
        # What it reads is the live content.
        assert view.get_project(project.id).title == "Harbour House"
        assert view.project_by_slug(project.slug).id == project.id
        assert [p.id for p in view.projects_in_category("interiors", listed_only=True)] == [project.id]
        assert [p.id for p in view.projects_by_ids([project.id])] == [project.id]
        photos = view.photos_for_project(project.id)
        assert len(photos) == 2 and view.get_photo(photos[0].id).id == photos[0].id
        assert "home" in view.get_pages(["home"])


def test_update_project_validates_keeps_a_revision_signals_and_purges(app, portfolio, client):
    project = portfolio.project("Harbour House")
    plugin = Plugin("tagger", api_version=(1, 1))
    saved = []

    def receive(sender, project, previous, **_):
        saved.append((previous.title, project.title))

    signals.project_saved.connect(receive, sender=app)
    try:
        assert "Harbour House" in client.get(f"/projects/{project.slug}").get_data(as_text=True)
        assert client.get(f"/projects/{project.slug}").headers.get("X-Cache") == "HIT"
        with app.test_request_context():
            changed = plugin.update_project(project.id, title="Harbour House, Bath")
            with pytest.raises(ValidationError) as refused:
                plugin.update_project(project.id, title="  ")
            assert "title" in refused.value.errors
            with pytest.raises(ValueError, match="gallery_password_hash"):
                plugin.update_project(project.id, gallery_password_hash="x")
            history = revisions.store().history("project", project.id)
            stored = current_store().get_project(project.id)
    finally:
        signals.project_saved.disconnect(receive, sender=app)
    assert changed.title == stored.title == "Harbour House, Bath"
    assert history[0].note == "Changed by the tagger plugin" and history[0].fields["title"] == stored.title
    assert saved == [("Harbour House", "Harbour House, Bath")]
    assert "Harbour House, Bath" in client.get(f"/projects/{project.slug}").get_data(as_text=True)  # purged
    assert "title" in PROJECT_FIELDS and "slug" not in PROJECT_FIELDS


def test_update_photo_text_checks_and_signals(app, portfolio):
    project = portfolio.project("Harbour House")
    plugin = Plugin("captions", api_version=(1, 1))
    saved = []

    def receive(sender, photo, **_):
        saved.append(photo.alt_text)

    signals.photo_saved.connect(receive, sender=app)
    try:
        with app.test_request_context():
            photo = current_store().photos_for_project(project.id)[0]
            plugin.update_photo_text(photo.id, alt_text="A blue door", caption="Bath, 2026")
            with pytest.raises(ValidationError):
                plugin.update_photo_text(photo.id, alt_text="x" * 5000, caption="")
            stored = current_store().get_photo(photo.id)
    finally:
        signals.photo_saved.disconnect(receive, sender=app)
    assert (stored.alt_text, stored.caption) == ("A blue door", "Bath, 2026")
    assert saved == ["A blue door"]
