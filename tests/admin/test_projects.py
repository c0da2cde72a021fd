"""Projects in the admin: create, edit, conflicts, publish rules, delete, reorder, preview."""

from __future__ import annotations

import re

from sgoodie.services import services

FORM = {
    "title": "Harbour Loft",
    "slug": "",
    "category": "interiors",
    "description": "",
    "location": "",
    "client": "",
    "cover_photo_id": "",
    "seo_title": "",
    "seo_description": "",
}


def _form(**changes):
    data = dict(FORM, **changes)
    return {k: v for k, v in data.items() if v is not False}


def _version(client, project_id) -> str:
    html = client.get(f"/admin/projects/{project_id}").get_data(as_text=True)
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html).group(1)


def test_create_list_and_edit(app, client, admin):
    response = admin.post("/admin/projects/new", _form())
    assert response.status_code == 302
    with app.app_context():
        project = services().store.project_by_slug("harbour-loft")
    assert project is not None and not project.published
    assert "Harbour Loft" in client.get("/admin/projects/?category=interiors").get_data(as_text=True)

    response = admin.post(
        f"/admin/projects/{project.id}",
        _form(
            title="Harbour Loft, Lisbon",
            slug="harbour-loft",
            location="Lisbon",
            version=_version(client, project.id),
        ),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Saved" in response.get_data(as_text=True)
    with app.app_context():
        assert services().store.get_project(project.id).location == "Lisbon"


def test_validation_errors_keep_what_was_typed(client, admin, portfolio):
    portfolio.project("Taken Name", "interiors")
    response = admin.post("/admin/projects/new", _form(title="Taken Name", description="Typed with care"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "already" in html.lower()
    assert "Typed with care" in html
    bad = admin.post("/admin/projects/new", _form(title="Fine", slug="Not A Slug!"))
    assert bad.status_code == 400 and "lowercase letters" in bad.get_data(as_text=True)


def test_a_stale_save_is_refused_and_keeps_the_typed_text(app, client, admin, actions_for, portfolio):
    project = portfolio.project("Garden Villa", "interiors")
    mine = _version(client, project.id)

    other = actions_for(app.test_client())
    other.login()
    assert (
        other.post(
            f"/admin/projects/{project.id}",
            _form(
                title="Garden Villa",
                slug="garden-villa",
                location="Sintra",
                version=_version(other.client, project.id),
                published="y",
            ),
        ).status_code
        == 302
    )

    response = admin.post(
        f"/admin/projects/{project.id}",
        _form(title="Villa in the Garden", slug="garden-villa", published="y", version=mine),
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Villa in the Garden" in html  # what I typed is still in the form
    assert "Location" in html  # the message names what the other admin changed
    with app.app_context():
        stored = services().store.get_project(project.id)
    assert stored.title == "Garden Villa" and stored.location == "Sintra"  # nothing silently overwritten


def test_publishing_needs_alt_text_on_every_photo(app, client, admin, portfolio):
    project = portfolio.project("Dune Camp", "travel", published=False)
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[0]
        photo.alt_text = ""
        services().store.update_photo(photo)
    response = admin.post(
        f"/admin/projects/{project.id}",
        _form(
            title="Dune Camp",
            slug="dune-camp",
            category="travel",
            published="y",
            version=_version(client, project.id),
        ),
    )
    assert response.status_code == 400
    assert "need alt text" in response.get_data(as_text=True)


def test_slug_change_keeps_the_old_address_working(app, client, admin, portfolio):
    project = portfolio.project("Old Name", "interiors")
    admin.post(
        f"/admin/projects/{project.id}",
        _form(title="New Name", slug="new-name", published="y", version=_version(client, project.id)),
    )
    visitor = app.test_client()
    response = visitor.get("/projects/old-name")
    assert response.status_code == 301 and response.headers["Location"].endswith("/projects/new-name")


def test_delete_confirms_then_moves_the_project_to_the_trash_keeping_its_files(app, client, admin, portfolio):
    project = portfolio.project("To Remove", "interiors", photos=3)
    with app.app_context():
        blobs = services().blobs
        for photo in services().store.photos_for_project(project.id):
            blobs.put(f"projects/{project.id}/original/{photo.id}.jpg", b"jpeg", content_type="image/jpeg")
            for variant in photo.variants:
                blobs.put(variant.key, b"x", content_type="image/jpeg")
        assert len(blobs.list_keys(f"projects/{project.id}/")) == 3 * 16
    page = client.get(f"/admin/projects/{project.id}/delete").get_data(as_text=True)
    assert "3 photos" in page and "48 stored files" in page and "This can be undone" in page
    response = admin.post(f"/admin/projects/{project.id}/delete", {}, follow_redirects=True)
    assert "Moved “To Remove” and its 3 photos to the trash" in response.get_data(as_text=True)
    with app.app_context():
        assert services().store.get_project(project.id) is None
        assert services().store.photos_for_project(project.id) == []
        assert services().jobs.wait(60)
        assert services().blobs.list_keys(f"projects/{project.id}/") == []  # out of reach...
        assert len(services().blobs.list_keys(f"trash/projects/{project.id}/")) == 48  # ...until emptied
    assert app.test_client().get("/projects/to-remove").status_code == 404
    assert "To Remove" in client.get("/admin/trash/").get_data(as_text=True)


def test_reorder_by_drag_is_one_request_and_moves_work_without_js(app, client, admin, portfolio):
    ids = [portfolio.project(f"Project {n}", "travel").id for n in range(4)]
    new_order = [ids[2], ids[0], ids[3], ids[1]]
    response = admin.post_json("/admin/projects/reorder", {"category": "travel", "ids": new_order})
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        assert [p.id for p in services().store.projects_in_category("travel")] == new_order
    admin.post(f"/admin/projects/{ids[1]}/move", {"step": "-1"})
    with app.app_context():
        assert [p.id for p in services().store.projects_in_category("travel")] == [
            ids[2],
            ids[0],
            ids[1],
            ids[3],
        ]
    # Not a run of consecutive projects (the list changed since the page was drawn): refused.
    stale = admin.post_json("/admin/projects/reorder", {"category": "travel", "ids": [ids[2], ids[3]]})
    assert stale.status_code == 409


def test_preview_shows_a_draft_exactly_as_published(app, client, admin, portfolio):
    project = portfolio.project("Hidden Draft", "brand-marketing", published=False)
    assert app.test_client().get("/projects/hidden-draft").status_code == 404
    response = client.get(f"/admin/projects/{project.id}/preview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hidden Draft" in html and "<picture" in html
    assert response.headers["Cache-Control"] == "private, no-store"


def test_description_formatting_is_sanitised(app, client, admin, portfolio):
    project = portfolio.project("Safe Text", "interiors")
    evil = (
        '**Bold** <script>alert(1)</script> <img src=x onerror="alert(2)"> '
        '[click](javascript:alert(3)) <a href="https://example.com" onclick="alert(4)">ok</a>'
    )
    admin.post(
        f"/admin/projects/{project.id}",
        _form(
            title="Safe Text",
            slug="safe-text",
            published="y",
            description=evil,
            version=_version(client, project.id),
        ),
    )
    html = app.test_client().get("/projects/safe-text").get_data(as_text=True)
    assert "<strong>Bold</strong>" in html
    body = html.split("<main", 1)[1]
    assert "<script>alert" not in body and "onerror" not in body and "onclick" not in body
    assert "javascript:" not in body


def test_the_list_is_paged_counted_searchable_and_a_page_reorders_itself(app, client, admin):
    from sgoodie.domain import Project

    with app.app_context():
        store = services().store
        made = [
            store.create_project(Project(title=f"Study {n:02d}", category="travel", published=n % 4 != 0))
            for n in range(60)
        ]
    first = client.get("/admin/projects/?category=travel").get_data(as_text=True)
    assert re.search(r'Travel <span class="count">60</span>', first)  # every project, drafts too
    rows = re.findall(r'class="row__title"[^>]*>([^<]+)<', first)
    assert rows == [p.title for p in made[:50]]
    later = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(later).get_data(as_text=True)
    assert re.findall(r'class="row__title"[^>]*>([^<]+)<', second) == [p.title for p in made[50:]]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # Dragging within the second page: its ten projects trade places among themselves.
    page_ids = [p.id for p in made[50:]]
    moved = page_ids[1:] + page_ids[:1]
    assert admin.post_json("/admin/projects/reorder", {"category": "travel", "ids": moved}).status_code == 200
    with app.app_context():
        assert [p.id for p in services().store.projects_in_category("travel")] == [
            p.id for p in made[:50]
        ] + moved
    found = client.get("/admin/projects/?category=travel&q=study+1").get_data(as_text=True)
    assert re.findall(r'class="row__title"[^>]*>([^<]+)<', found) == [f"Study {n}" for n in range(10, 20)]
    drafts = client.get("/admin/projects/?category=travel&state=drafts").get_data(as_text=True)
    assert len(re.findall(r'class="row__title"', drafts)) == 15 and "Published</span>" not in drafts
