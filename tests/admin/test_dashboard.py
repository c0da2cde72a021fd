"""The dashboard: counts from counters, short lists with "+" past their length, recent changes."""

from __future__ import annotations

import re
import time

from sgoodie import content
from sgoodie.domain import Photo, Project
from sgoodie.services import services


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
