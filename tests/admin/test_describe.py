"""Describe photos: a project's alt texts and captions in one form, 50 photos a page, one Save."""

from __future__ import annotations

import re

from sgoodie.admin.blueprint import FORM_BODY_LIMIT
from sgoodie.admin.describe import DESCRIBE_PAGE_SIZE, fingerprint
from sgoodie.domain import ALT_TEXT_MAX, CAPTION_MAX
from sgoodie.services import services


def _photos(app, project_id):
    with app.app_context():
        return services().store.photos_for_project(project_id)


def _undescribed(app, portfolio, title, count, **fields):
    project = portfolio.project(title, "interiors", photos=count, **fields)
    with app.app_context():
        for photo in services().store.photos_for_project(project.id):
            photo.alt_text, photo.caption = "", ""
            services().store.update_photo(photo)
    return project


def fingerprint_of(app, photo_id):
    with app.app_context():
        return fingerprint(services().store.get_photo(photo_id))


def _fields(photos, **typed):
    """The form as the page posts it: every photo's text as shown, with `typed` ({id: (alt, caption)})."""
    data = {}
    for photo in photos:
        alt, caption = typed.get(photo.id, (photo.alt_text, photo.caption))
        data |= {
            f"{photo.id}-alt_text": alt,
            f"{photo.id}-caption": caption,
            f"{photo.id}-shown": fingerprint(photo),
        }
    return data


def test_the_photos_page_links_to_the_describe_page_which_counts_what_is_missing(
    app, client, admin, portfolio
):
    project = _undescribed(app, portfolio, "Counted", 3)
    grid = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert f'href="/admin/projects/{project.id}/photos/describe"' in grid and "Describe photos" in grid
    page = client.get(f"/admin/projects/{project.id}/photos/describe").get_data(as_text=True)
    assert "3 of 3 ready photos still need alt text." in page
    assert page.count("data-describe-row") == 3 and page.count("<img") == 3  # a thumbnail beside each
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


def test_one_post_saves_every_changed_photo_and_says_how_many(app, client, admin, portfolio):
    project = _undescribed(app, portfolio, "Many", 4)
    photos = _photos(app, project.id)
    typed = {p.id: (f"  Room {i}  ", f"Caption {i}") for i, p in enumerate(photos[:3], 1)}
    response = admin.post(
        f"/admin/projects/{project.id}/photos/describe",
        _fields(photos, **typed),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Saved 3 photos." in html
    assert "1 of 4 ready photos still needs alt text." in html
    stored = _photos(app, project.id)
    assert [(p.alt_text, p.caption) for p in stored] == [
        ("Room 1", "Caption 1"),
        ("Room 2", "Caption 2"),
        ("Room 3", "Caption 3"),
        ("", ""),
    ]
    assert stored[3].version == photos[3].version  # an unchanged photo is not written
    assert "Room 2" in app.test_client().get("/projects/many").get_data(as_text=True)  # purged, live
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Described 3 photos of “Many”" in dashboard  # one line in the recent changes, not three


def test_an_invalid_alt_text_is_refused_with_its_message_the_others_are_saved_nothing_typed_is_lost(
    app, client, admin, portfolio
):
    """Each photo is its own record: the valid ones are saved, the refused one comes back typed."""
    project = _undescribed(app, portfolio, "Partly", 3)
    photos = _photos(app, project.id)
    too_long = "x" * (ALT_TEXT_MAX + 1)
    typed = {
        photos[0].id: ("Window seat", ""),
        photos[1].id: (too_long, "My caption"),
        photos[2].id: ("Lamp", ""),
    }
    response = admin.post(
        f"/admin/projects/{project.id}/photos/describe?page=1",
        _fields(photos, **typed),
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Saved 2 photos. 1 photo was not saved: the reason is beside it." in html
    assert "Field cannot be longer than 250 characters." in html
    assert f'value="{too_long}"' in html and 'value="My caption"' in html  # what was typed is still there
    assert "1 of 3 ready photos still needs alt text." in html
    assert [p.alt_text for p in _photos(app, project.id)] == ["Window seat", "", "Lamp"]


def test_a_photo_someone_else_described_meanwhile_is_not_overwritten_until_saved_again(
    app, client, admin, portfolio
):
    project = _undescribed(app, portfolio, "Race", 2)
    photos = _photos(app, project.id)
    with app.app_context():  # another tab saves the first photo after this page was shown
        from sgoodie.photos import edits

        edits.update_text(photos[0], "Their words", "")
    typed = {photos[0].id: ("My words", ""), photos[1].id: ("Stairs", "")}
    answer = admin.client.post(
        f"/admin/projects/{project.id}/photos/describe",
        json={
            "photos": [
                {"id": i, "alt_text": a, "caption": c, "shown": fingerprint(p)}
                for p in photos
                for i, (a, c) in [(p.id, typed[p.id])]
            ]
        },
        headers={"X-CSRFToken": admin.csrf_token("/admin/"), "Accept": "application/json"},
    )
    data = answer.get_json()
    assert answer.status_code == 400 and not data["ok"]
    assert "Someone else changed this photo's text" in data["errors"][photos[0].id]["photo"]
    assert "“Their words”" in data["errors"][photos[0].id]["photo"]
    assert list(data["saved"]) == [photos[1].id]
    assert [p.alt_text for p in _photos(app, project.id)] == ["Their words", "Stairs"]
    again = admin.post_json(
        f"/admin/projects/{project.id}/photos/describe",
        {"photos": [{"id": photos[0].id, "alt_text": "My words", "shown": data["shown"][photos[0].id]}]},
    )
    assert again.get_json()["message"] == "Saved 1 photo." and again.get_json()["missing_alt"] == 0
    assert [(p.alt_text, p.caption) for p in _photos(app, project.id)] == [("My words", ""), ("Stairs", "")]


def test_the_json_path_answers_what_the_page_needs_to_show_in_place(app, client, admin, portfolio):
    project = _undescribed(app, portfolio, "Script", 2)
    first, second = _photos(app, project.id)
    answer = admin.post_json(
        f"/admin/projects/{project.id}/photos/describe",
        {"photos": [{"id": first.id, "alt_text": "Kitchen", "caption": "Oak", "shown": fingerprint(first)}]},
    )
    data = answer.get_json()
    assert answer.status_code == 200 and data["ok"] and data["message"] == "Saved 1 photo."
    assert data["saved"][first.id] == {
        "alt_text": "Kitchen",
        "caption": "Oak",
        "alt_text_from_file": False,
        "caption_from_file": False,
    }
    assert data["needs_alt"] == {first.id: False} and data["shown"] == {
        first.id: fingerprint_of(app, first.id)
    }
    assert (
        data["missing_alt"] == 1
        and data["missing_alt_message"] == "1 of 2 ready photos still needs alt text."
    )
    for bad in (
        {"photos": "all"},
        {"photos": [{"id": first.id, "alt_text": 3, "shown": ""}]},
        {"photos": []},
    ):
        refused = admin.post_json(f"/admin/projects/{project.id}/photos/describe", bad)
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "bad_request"


def test_both_paths_need_the_csrf_token(app, client, admin, portfolio):
    project = _undescribed(app, portfolio, "Forged", 1)
    photos = _photos(app, project.id)
    url = f"/admin/projects/{project.id}/photos/describe"
    forged_form = client.post(url, data=_fields(photos, **{photos[0].id: ("Forged", "")}))
    forged_json = client.post(
        url,
        json={"photos": [{"id": photos[0].id, "alt_text": "Forged", "shown": fingerprint(photos[0])}]},
        headers={"Accept": "application/json"},
    )
    assert forged_form.status_code == 400 and forged_json.status_code == 400
    assert _photos(app, project.id)[0].alt_text == ""


def test_pages_of_fifty_in_display_order(app, client, admin, portfolio):
    project = _undescribed(app, portfolio, "Paged", DESCRIBE_PAGE_SIZE + 2)
    photos = _photos(app, project.id)
    url = f"/admin/projects/{project.id}/photos/describe"
    first = client.get(url).get_data(as_text=True)
    second = client.get(url + "?page=2").get_data(as_text=True)
    ids = lambda html: re.findall(r'data-describe-row data-id="([^"]+)"', html)  # noqa: E731
    assert ids(first) == [p.id for p in photos[:DESCRIBE_PAGE_SIZE]] and ids(second) == [
        p.id for p in photos[DESCRIBE_PAGE_SIZE:]
    ]
    assert "Page 1 of 2" in first and f'href="{url}?page=2"' in first and 'rel="prev"' not in first
    assert '<ol class="describe-list" start="51"' in second and f'action="{url}?page=2"' in second
    assert f"{DESCRIBE_PAGE_SIZE + 2} of {DESCRIBE_PAGE_SIZE + 2} ready photos still need alt text." in second
    assert ids(client.get(url + "?page=9").get_data(as_text=True)) == ids(
        second
    )  # past the end: the last page
    saved = admin.post(
        url + "?page=2",
        _fields(photos[DESCRIBE_PAGE_SIZE:], **{photos[-1].id: ("Last", "")}),
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"{url}?page=2")
    # A refused photo posted from page 1 that moved to page 2 meanwhile still comes back with its error.
    moved = photos[-1]
    refused = admin.post(
        url + "?page=1",
        _fields(photos[:2])
        | _fields(_photos(app, project.id)[-1:], **{moved.id: ("y" * (ALT_TEXT_MAX + 1), "")}),
        content_type="multipart/form-data",
    )
    html = refused.get_data(as_text=True)
    assert (
        refused.status_code == 400
        and f'id="describe-{moved.id}"' in html
        and f"Photo {DESCRIBE_PAGE_SIZE + 2}<" in html
    )
    assert len(ids(html)) == DESCRIBE_PAGE_SIZE + 1


def test_a_full_page_of_the_longest_texts_stays_within_the_admins_body_limit(app, client, admin, portfolio):
    """50 photos, every alt text and caption at its longest in 4-byte characters: as multipart
    (what the page sends) it is under the admin's 256 KB, percent-encoded it would not be."""
    project = _undescribed(app, portfolio, "Longest", DESCRIBE_PAGE_SIZE)
    photos = _photos(app, project.id)
    typed = {p.id: ("📷" * ALT_TEXT_MAX, "🌅" * CAPTION_MAX) for p in photos}
    response = admin.post(
        f"/admin/projects/{project.id}/photos/describe",
        _fields(photos, **typed),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert all(p.alt_text == "📷" * ALT_TEXT_MAX for p in _photos(app, project.id))
    encoded = sum(len(v.encode()) * 3 for v in _fields(photos, **typed).values())
    assert encoded > FORM_BODY_LIMIT  # why the form is multipart


def test_without_javascript_a_photo_changed_meanwhile_comes_back_typed_and_the_next_save_replaces_it(
    app, client, admin, portfolio
):
    project = _undescribed(app, portfolio, "Race form", 1)
    (photo,) = _photos(app, project.id)
    with app.app_context():
        from sgoodie.photos import edits

        edits.update_text(photo, "Their words", "Their caption")
    url = f"/admin/projects/{project.id}/photos/describe"
    refused = admin.post(
        url, _fields([photo], **{photo.id: ("My words", "")}), content_type="multipart/form-data"
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Someone else changed this photo&#39;s text" in html
    assert 'value="My words"' in html and f'value="{fingerprint_of(app, photo.id)}"' in html
    again = {
        f"{photo.id}-alt_text": "My words",
        f"{photo.id}-caption": "",
        f"{photo.id}-shown": fingerprint_of(app, photo.id),
    }
    assert admin.post(url, again, content_type="multipart/form-data").status_code == 302
    assert [(p.alt_text, p.caption) for p in _photos(app, project.id)] == [("My words", "")]


def test_a_project_without_photos_says_so_instead_of_an_empty_form(client, admin, portfolio):
    project = portfolio.project("Bare", "interiors", photos=0)
    html = client.get(f"/admin/projects/{project.id}/photos/describe").get_data(as_text=True)
    assert (
        "No photos yet." in html
        and "data-describe " not in html
        and "Every ready photo has alt text." in html
    )
    assert client.get("/admin/projects/nope/photos/describe").status_code == 404


def test_a_write_that_loses_the_race_to_another_save_is_refused_like_a_change_seen_before(
    app, client, admin, portfolio, monkeypatch
):
    """Between reading the photo and writing it, someone else saved it: the store refuses the
    version, and the photo comes back as changed meanwhile, never overwritten."""
    from sgoodie.admin import describe
    from sgoodie.photos import edits
    from sgoodie.stores import StaleVersionError

    project = _undescribed(app, portfolio, "Photo finish", 1)
    (photo,) = _photos(app, project.id)

    update_text = edits.update_text

    def saved_by_someone_else_first(photo, alt_text, caption):
        update_text(photo, "Theirs", "")
        raise StaleVersionError(photo.id)

    monkeypatch.setattr(describe.photo_edits, "update_text", saved_by_someone_else_first)
    answer = admin.post_json(
        f"/admin/projects/{project.id}/photos/describe",
        {"photos": [{"id": photo.id, "alt_text": "Mine", "shown": fingerprint(photo)}]},
    ).get_json()
    assert "“Theirs”" in answer["errors"][photo.id]["photo"] and answer["saved"] == {}
    assert answer["shown"][photo.id] == fingerprint_of(app, photo.id) != fingerprint(photo)
    assert _photos(app, project.id)[0].alt_text == "Theirs"


# -- alt text proposed from the file ------------------------------------------------------------
def _titled(app, portfolio, title, words):
    """A project whose photos have no alt text and whose files carried `words` ((title, description) each)."""
    project = _undescribed(app, portfolio, title, len(words))
    with app.app_context():
        for photo, (file_title, file_description) in zip(
            services().store.photos_for_project(project.id), words, strict=True
        ):
            photo.file_title, photo.file_description = file_title, file_description
            services().store.update_photo(photo)
    return project


def test_proposals_are_shown_marked_from_the_file_and_counted(app, client, admin, portfolio):
    project = _titled(app, portfolio, "Proposed", [("Lobby", "Marble."), ("", "Stairs in brass."), ("", "")])
    page = client.get(f"/admin/projects/{project.id}/photos/describe").get_data(as_text=True)
    assert "3 of 3 ready photos still need alt text." in page
    assert "2 of them have</span> a title or description in the file" in page
    assert "Use the file&#39;s titles for 2 photos" in page
    assert page.count("data-file-proposal>") == 2 and page.count(">From the file<") == 2  # one a row
    assert "Lobby</p>" in page and "Stairs in brass.</p>" in page
    # Visitors see none of them: a proposal is not alt text.
    public = app.test_client().get("/projects/proposed").get_data(as_text=True)
    assert "Lobby" not in public and "Stairs in brass." not in public


def test_use_it_saves_what_was_typed_then_takes_that_photos_proposal(app, client, admin, portfolio):
    project = _titled(app, portfolio, "One click", [("Lobby", "Marble."), ("Hall", "Brass.")])
    photos = _photos(app, project.id)
    fields = _fields(photos, **{photos[1].id: ("Typed hall", "")}) | {"accept": photos[0].id}
    response = admin.post(
        f"/admin/projects/{project.id}/photos/describe",
        fields,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saved 1 photo. Alt text taken from the files of 1 photo." in html
    first, second = _photos(app, project.id)
    assert (first.alt_text, first.caption, first.alt_text_from_file, first.caption_from_file) == (
        "Lobby",
        "Marble.",
        True,
        True,
    )
    assert (second.alt_text, second.alt_text_from_file) == ("Typed hall", False)
    assert "Lobby" in app.test_client().get("/projects/one-click").get_data(as_text=True)
    assert ">from the file</span>" in html.replace(
        " hidden>from", ">hidden"
    )  # the label says where it came from


def test_json_accept_all_takes_every_proposal_of_the_project(app, client, admin, portfolio):
    project = _titled(app, portfolio, "Bulk json", [("A", "a."), ("", "b."), ("", "")])
    response = admin.post_json(f"/admin/projects/{project.id}/photos/describe", {"accept": "all"})
    data = response.get_json()
    assert response.status_code == 200 and data["ok"], data
    assert data["message"] == "Alt text taken from the files of 2 photos."
    assert data["proposals"] == 0 and data["missing_alt"] == 1
    stored = _photos(app, project.id)
    assert data["saved"] == {
        stored[0].id: {
            "alt_text": "A",
            "caption": "a.",
            "alt_text_from_file": True,
            "caption_from_file": True,
        },
        stored[1].id: {
            "alt_text": "b.",
            "caption": "",
            "alt_text_from_file": True,
            "caption_from_file": False,
        },
    }
    assert data["proposed"] == {stored[0].id: False, stored[1].id: False}
    assert stored[2].alt_text == ""
    refused = admin.post_json(f"/admin/projects/{project.id}/photos/describe", {"accept": 3})
    assert refused.status_code == 400 and "accept" in refused.get_json()["error"]["message"]


def test_typing_over_a_taken_proposal_makes_it_yours(app, client, admin, portfolio):
    project = _titled(app, portfolio, "Mine now", [("Lobby", "Marble.")])
    admin.post_json(f"/admin/projects/{project.id}/photos/describe", {"accept": "all"})
    (photo,) = _photos(app, project.id)
    answer = admin.post_json(
        f"/admin/projects/{project.id}/photos/describe",
        {"photos": [{"id": photo.id, "shown": fingerprint(photo), "alt_text": "The lobby, marble floor"}]},
    ).get_json()
    assert answer["saved"][photo.id] == {
        "alt_text": "The lobby, marble floor",
        "caption": "Marble.",
        "alt_text_from_file": False,
        "caption_from_file": True,
    }


def test_a_client_gallerys_photos_need_no_alt_text_and_the_page_says_so(app, client, admin, portfolio):
    from dataclasses import replace

    from sgoodie import content

    project = _undescribed(app, portfolio, "Proofs", 2, published=False)
    with app.test_request_context():
        content.projects.save(replace(project, visibility="client", gallery_password_hash="h"), project)
    page = client.get(f"/admin/projects/{project.id}/photos/describe").get_data(as_text=True)
    assert "Alt text is optional in a client gallery: your client sees every ready photo." in page
    assert "data-needs-alt" not in page and page.count("data-needed-badge hidden") == 2
    photos = _photos(app, project.id)
    answer = admin.post_json(
        f"/admin/projects/{project.id}/photos/describe",
        {
            "photos": [
                {"id": photos[0].id, "alt_text": "", "caption": "A caption", "shown": fingerprint(photos[0])}
            ]
        },
    ).get_json()
    assert answer["ok"] and answer["missing_alt"] == 0 and answer["needs_alt"] == {photos[0].id: False}
