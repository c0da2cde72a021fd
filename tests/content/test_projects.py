"""Changing projects (`sgoodie.content.projects`): each change validates, keeps a revision, logs
the activity, sends its signal, and keeps the home page's featured order and the cover rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sgoodie import content, signals
from sgoodie.content import activity, revisions
from sgoodie.domain import Photo, Project, ValidationError
from sgoodie.services import services
from sgoodie.stores import StaleVersionError


def _featured(app) -> list[str]:
    with app.app_context():
        return services().store.get_pages(["home"])["home"].content.get("featured_order", [])


def test_a_new_project_is_validated_recorded_logged_and_announced(app):
    saved = []

    def listen(sender, project, previous, **_):
        saved.append((project.title, previous))

    with app.test_request_context(), signals.project_saved.connected_to(listen, app):
        with pytest.raises(ValidationError) as refused:
            content.projects.create(Project(title="", category="interiors"))
        assert refused.value.errors["title"] == "A title is required."
        assert services().store.projects_page("interiors", limit=5) == []  # nothing stored
        project = content.projects.create(Project(title="Harbour Loft", category="interiors"))
        history = revisions.store().history("project", project.id)
        assert [(r.note, r.fields["title"]) for r in history] == [("Created", "Harbour Loft")]
        assert activity.recent(1)[0]["what"] == "Created project “Harbour Loft”"
    assert saved == [("Harbour Loft", None)]


def test_the_featured_order_follows_the_flag_and_the_trash(app, portfolio):
    first = portfolio.project("First", featured=True)
    second = portfolio.project("Second", featured=True)
    assert _featured(app) == [first.id, second.id]
    with app.test_request_context():
        content.projects.save(replace(first, featured=False), first)
        assert _featured(app) == [second.id]
        first = services().store.get_project(first.id)
        content.projects.save(replace(first, featured=True), first)
        assert _featured(app) == [second.id, first.id]  # featured again: last
        content.projects.delete(services().store.get_project(second.id))
    assert _featured(app) == [first.id]


def test_the_cover_is_the_first_described_ready_photo_until_one_is_chosen(app, portfolio):
    project = portfolio.project("Covers", photos=3, published=False)
    with app.test_request_context():
        store = services().store
        photos = store.photos_for_project(project.id)
        first, second = photos[0], photos[1]
        first.alt_text = ""  # ready, not described: visitors never see it
        store.update_photo(first)
        store.update_project(replace(store.get_project(project.id), cover_photo_id=""))
        assert content.projects.ensure_cover(project.id).cover_photo_id == second.id
        chosen = content.projects.set_cover(store.get_project(project.id), photos[2].id)
        assert chosen.cover_photo_id == photos[2].id
        assert content.projects.ensure_cover(project.id).cover_photo_id == photos[2].id  # kept
        assert content.projects.first_ready([Photo(project_id="p", status="queued")]) == ""


def test_a_targeted_change_is_applied_again_to_what_another_editor_saved(app, portfolio):
    project = portfolio.project("Busy", published=False)
    with app.test_request_context():
        store = services().store
        calls = []

        def change(current: Project) -> None:
            calls.append(current.version)
            if len(calls) == 1:  # someone saves between our read and our write
                store.update_project(replace(store.get_project(project.id), location="Porto"))
            current.client = "Hotel Azul"

        stored = content.projects.modify(project.id, change)
        assert (stored.location, stored.client) == ("Porto", "Hotel Azul")  # neither change lost
        assert len(calls) == 2 and calls[1] > calls[0]
        with pytest.raises(StaleVersionError):
            content.projects.save(replace(project, title="Old copy"), project)  # a stale full save
        with pytest.raises(ValidationError, match="no longer exists"):
            content.projects.modify("gone", change)
