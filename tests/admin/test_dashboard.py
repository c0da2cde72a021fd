"""The dashboard: counts from counters, short lists with "+" past their length, recent changes."""

from __future__ import annotations

import re
import time
from dataclasses import replace

from sgoodie import content
from sgoodie.domain import Photo, Project
from sgoodie.services import services
from tests.conftest import signed_in_client


def test_counts_come_from_counters_and_lists_stay_short(app, client, admin):
    with app.test_request_context():
        store = services().store
        projects = [
            content.projects.create(Project(title=f"Loft {n:02d}", category="interiors")) for n in range(4)
        ]
        store.update_project(
            type(projects[0])(**{**store.get_project(projects[0].id).__dict__, "published": True})
        )
        for n in range(25):
            store.add_photo(Photo(project_id=projects[1].id, status="failed", error=f"Broken {n}"))
        for _ in range(3):
            store.add_photo(Photo(project_id=projects[2].id, status="queued"))
    html = client.get("/admin/").get_data(as_text=True)
    interiors = re.search(
        r"Interiors</span>\s*<span class=\"stat__value\">(\d+)</span>\s*<span class=\"stat__note\">([^<]+)",
        html,
    )
    assert interiors.groups() == ("1", "published · 3 drafts")
    assert re.search(r'<span class="stat__value">3</span>\s*<span class="stat__note">processing', html)
    assert "20+ failed" in html and len(re.findall(r"Broken \d+", html)) == 20  # the oldest 20, and "20+"
    assert "Loft 01" in html  # the failed photos' project, by title
    assert 'href="/admin/projects/?category=interiors&amp;state=drafts">Interiors: 3 drafts' in html


def test_recent_changes_show_the_newest_twelve(app, client, admin):
    with app.test_request_context():
        for n in range(20):
            content.activity.record(f"Change number {n:02d}")
            time.sleep(0.002)  # a line is keyed by its millisecond
    html = client.get("/admin/").get_data(as_text=True)
    shown = re.findall(r"Change number (\d+)", html)
    assert shown == [f"{n:02d}" for n in range(19, 7, -1)]


def test_client_galleries_and_unlisted_projects_have_their_own_counts_and_no_alt_text_alarm(
    backend_app, portfolio_factory
):
    """A client gallery's proofs need no alt text and the gallery is not a published portfolio
    project; an unlisted project's photos get a quiet note on its page, not the dashboard's alarm.
    A gallery holding more undescribed proofs than the dashboard reads does not hide the
    portfolio's own waiting photo."""
    portfolio = portfolio_factory(backend_app)
    live = portfolio.project("Live Wedding", "interiors", photos=1)
    gallery = portfolio.project("Ana and Rui", "interiors", photos=0)
    unlisted = portfolio.project("Link Only", "interiors", photos=0)
    with backend_app.test_request_context():
        store = services().store
        content.projects.save(replace(gallery, visibility="client", gallery_password_hash="hashed"), gallery)
        content.projects.save(replace(unlisted, visibility="unlisted"), unlisted)
        for project_id, count in ((gallery.id, 65), (unlisted.id, 2), (live.id, 1)):
            for _ in range(count):
                store.add_photo(Photo(project_id=project_id, status="ready", filename="bare.jpg"))
    client = signed_in_client(backend_app)
    html = client.get("/admin/").get_data(as_text=True)
    interiors = re.search(
        r"Interiors</span>\s*<span class=\"stat__value\">(\d+)</span>\s*<span class=\"stat__note\">([^<]+)",
        html,
    )
    assert interiors.groups() == ("1", "published · 1 client gallery · 1 unlisted")
    waiting = re.search(r"<ul class=\"list\" data-waiting-for-alt>(.*?)</ul>", html, re.S).group(1)
    assert "Live Wedding</a>: 1 ready photo visitors do not see" in waiting
    assert "Ana and Rui" not in waiting and "Link Only" not in waiting

    proofs = client.get(f"/admin/projects/{gallery.id}/photos").get_data(as_text=True)
    assert "data-missing-alt" not in proofs and "data-needs-alt" not in proofs
    assert "visitors do not see" not in proofs and "(needed" not in proofs
    assert "Your client sees every ready photo, in this order" in proofs
    link = client.get(f"/admin/projects/{unlisted.id}/photos").get_data(as_text=True)
    assert re.search(r'<p class="muted" role="status" data-missing-alt', link)
    assert "2 photos have no alt text yet. People you send the link to see the others" in link
    assert "visitors do not see" not in link

    # The gallery is taken down to a draft: it is counted so.
    with backend_app.test_request_context():
        current = services().store.get_project(gallery.id)
        content.projects.save(replace(current, published=False), current)
    assert "published · 1 unlisted · 1 draft<" in client.get("/admin/").get_data(as_text=True)
