"""A project's photos in the admin: status grid, alt text and caption, cover, order, delete."""

from __future__ import annotations

import re

from sgoodie.content import trash
from sgoodie.services import services


def _photos(app, project_id):
    with app.app_context():
        return services().store.photos_for_project(project_id)


def test_grid_shows_each_photo_with_its_status_and_failure_reason(app, client, admin, portfolio):
    project = portfolio.project("Grid", "interiors", photos=2)
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[1]
        photo.status, photo.error = "failed", "The file is incomplete (truncated)."
        services().store.update_photo(photo)
    html = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert "The file is incomplete (truncated)." in html
    assert "Grid photo 1" in html
    assert "data-project-id" in html  # the uploader's place on the page


def test_the_uploader_offers_every_format_the_pipeline_reads(client, admin, portfolio):
    import re

    from sgoodie.image_formats import INPUT_FORMATS

    project = portfolio.project("Formats", "interiors", photos=0)
    html = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    accept = re.search(r'type="file"[^>]* accept="([^"]+)"', html).group(1).split(",")
    for fmt in INPUT_FORMATS:
        assert set(fmt.mime_types) <= set(accept) and {f".{ext}" for ext in fmt.extensions} <= set(accept)
    assert "image/gif" in accept and "JPEG, PNG, WebP, AVIF, HEIC, TIFF or GIF, up to 50 MB each" in html


def test_alt_text_and_caption_save_inline_and_by_form(app, client, admin, portfolio):
    project = portfolio.project("Texts", "interiors")
    first, second = _photos(app, project.id)
    token = admin.csrf_token("/admin/")
    response = client.post(
        f"/admin/photos/{first.id}/text",
        data={
            f"{first.id}-alt_text": "Sunlit hallway",
            f"{first.id}-caption": "Morning",
            "csrf_token": token,
        },
        headers={"Accept": "application/json"},
    )
    assert response.get_json() == {"ok": True, "alt_text": "Sunlit hallway", "caption": "Morning"}
    response = admin.post(
        f"/admin/photos/{second.id}/text",
        {f"{second.id}-alt_text": "Oak table", f"{second.id}-caption": ""},
        follow_redirects=True,
    )
    assert "Photo text saved" in response.get_data(as_text=True)
    assert [p.alt_text for p in _photos(app, project.id)] == ["Sunlit hallway", "Oak table"]
    assert "Sunlit hallway" in app.test_client().get("/projects/texts").get_data(as_text=True)


def test_the_focal_point_is_set_in_the_grid_and_moves_every_public_crop(app, client, admin, portfolio):
    project = portfolio.project("Focus", "interiors", photos=2, featured=True)
    cover = _photos(app, project.id)[0]
    grid = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    # The editor shows where the subject is now (the centre) and offers the two numbers.
    assert "--fx: 0.5; --fy: 0.5" in grid and 'name="focal_x" value="50"' in grid
    token = admin.csrf_token("/admin/")
    response = client.post(
        f"/admin/photos/{cover.id}/focal",
        data={"focal_x": "22.5", "focal_y": "80", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.get_json() == {"ok": True, "focal_x": 0.225, "focal_y": 0.8}
    assert "--fx: 0.225; --fy: 0.8" in client.get(f"/admin/projects/{project.id}/photos").get_data(
        as_text=True
    )
    visitor = app.test_client()
    for path in ("/", "/work/interiors"):  # the cover's crops (cards, tiles, the hero) move with it
        assert "object-position:22.5% 80%" in visitor.get(path).get_data(as_text=True), path

    # Without JavaScript the numbers are a form; a point off the photo is refused, saying why.
    refused = admin.post(
        f"/admin/photos/{cover.id}/focal", {"focal_x": "140", "focal_y": "10"}, follow_redirects=True
    )
    assert "from 0 to 100" in refused.get_data(as_text=True)
    with app.app_context():
        assert (
            services().store.get_photo(cover.id).focal_x,
            services().store.get_photo(cover.id).focal_y,
        ) == (
            0.225,
            0.8,
        )


def test_set_cover(app, client, admin, portfolio):
    project = portfolio.project("Covers", "interiors", photos=3)
    third = _photos(app, project.id)[2]
    admin.post(f"/admin/photos/{third.id}/cover")
    with app.app_context():
        assert services().store.get_project(project.id).cover_photo_id == third.id


def test_reorder_photos_in_one_request_and_by_buttons(app, client, admin, portfolio):
    project = portfolio.project("Order", "travel", photos=3)
    ids = [p.id for p in _photos(app, project.id)]
    assert (
        admin.post_json(f"/admin/projects/{project.id}/photos/reorder", {"ids": ids[::-1]}).status_code == 200
    )
    assert [p.id for p in _photos(app, project.id)] == ids[::-1]
    admin.post(f"/admin/photos/{ids[0]}/move", {"step": "-1"})
    assert [p.id for p in _photos(app, project.id)] == [ids[2], ids[0], ids[1]]


def test_delete_moves_the_photo_to_the_trash_and_delete_forever_removes_its_files(
    app, client, admin, portfolio
):
    project = portfolio.project("Deleting", "interiors", photos=2)
    cover, other = _photos(app, project.id)
    with app.app_context():
        blobs = services().blobs
        for photo in (cover, other):
            blobs.put(f"projects/{project.id}/original/{photo.id}.jpg", b"jpeg", content_type="image/jpeg")
            for variant in photo.variants:
                blobs.put(variant.key, b"x", content_type="image/jpeg")
    confirm = client.get(f"/admin/photos/{cover.id}/delete").get_data(as_text=True)
    assert "This can be undone" in confirm and "Move to the trash" in confirm
    admin.post(f"/admin/photos/{cover.id}/delete")
    with app.app_context():
        assert services().store.get_photo(cover.id) is None
        assert services().store.get_project(project.id).cover_photo_id == other.id  # the next photo took over
        assert services().jobs.wait(60)
        kept = services().blobs.list_keys(f"trash/projects/{project.id}/")
        assert len([k for k in kept if cover.id in k]) == 16  # kept, out of reach, while it is in the trash
        (entry,) = trash.entries()
    assert entry.kind == "photo" and entry.photo.id == cover.id
    page = client.get("/admin/trash/delete", query_string={"entry": entry.key}).get_data(as_text=True)
    assert "cannot be undone" in page
    admin.post("/admin/trash/delete", {"entry": entry.key, "confirmed": "1"})
    with app.app_context():
        keys = services().blobs.list_keys(f"projects/{project.id}/")
        assert not [k for k in keys if cover.id in k] and services().blobs.list_keys("trash/") == []
        assert len([k for k in keys if other.id in k]) == 16  # the other photo is untouched
        assert trash.entries() == []


def test_deleting_from_the_grid_says_the_photo_went_to_the_trash_and_for_how_long(
    app, client, admin, portfolio
):
    """It said "Photo deleted, with its original and every size", which reads as permanent."""
    project = portfolio.project("Grid delete", "interiors", photos=2)
    first, _ = _photos(app, project.id)
    days = app.config["TRASH_DAYS"]
    grid = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert (
        f'data-confirm="Move this photo to the Trash? You can restore it from there for {days} days."' in grid
    )
    token = admin.csrf_token("/admin/")
    answer = client.post(
        f"/admin/photos/{first.id}/delete", data={"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200
    assert answer.get_json()["message"] == (
        f"Photo moved to the Trash. Restore it from there within {days} days to undo; "
        "after that it is deleted for good."
    )


def test_one_card_renders_as_the_grid_does_for_the_uploader_to_insert(app, client, admin, portfolio):
    project = portfolio.project("Cards", "interiors", photos=3)
    first, second, third = _photos(app, project.id)
    with app.app_context():
        second.alt_text = ""
        services().store.update_photo(second)
    response = client.get(f"/admin/photos/{second.id}/card")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.strip().startswith('<li class="photo-card"') and html.count("<li") == 1
    assert f'id="photo-{second.id}"' in html and "data-needs-alt" in html and "(needed" in html
    assert 'aria-label="Move photo 2 earlier"' in html and "disabled" not in html  # neither first nor last
    assert f'name="{second.id}-alt_text"' in html
    page = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert html.strip() in page  # the same markup the page shows
    last = client.get(f"/admin/photos/{third.id}/card").get_data(as_text=True)
    assert 'aria-label="Move photo 3 later" disabled' in last and "data-needs-alt" not in last
    assert client.get("/admin/photos/nope/card").status_code == 404
    assert app.test_client().get(f"/admin/photos/{first.id}/card").status_code in (302, 401)


def test_an_empty_project_has_a_grid_and_a_hidden_banner_for_new_photos(client, admin, portfolio):
    project = portfolio.project("Empty", "interiors", photos=0)
    html = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert 'class="sortable photo-grid"' in html and "data-card-url=" in html
    assert '<div class="card empty-state" data-empty>' in html  # shown until a card arrives
    assert re.search(r"<p class=\"notice\"[^>]*data-missing-alt[^>]* hidden>", html)
    assert 'data-discard-url="/admin/photos/PHOTO_ID/delete"' in html
    assert 'data-retry-url="/admin/photos/PHOTO_ID/retry"' in html


def test_photos_page_and_dashboard_say_which_photos_wait_for_alt_text_and_why(app, client, admin, portfolio):
    live = portfolio.project("Live Rooms", "interiors", photos=3)
    draft = portfolio.project("Draft Rooms", "interiors", photos=1, published=False)
    with app.app_context():
        for photo in services().store.photos_for_project(live.id)[1:] + services().store.photos_for_project(
            draft.id
        ):
            photo.alt_text = ""
            services().store.update_photo(photo)
    page = client.get(f"/admin/projects/{live.id}/photos").get_data(as_text=True)
    assert "2 photos still need alt text: visitors do not see them until they have one." in page
    assert page.count("(needed: visitors do not see this photo until it has one)") == 2
    draft_page = client.get(f"/admin/projects/{draft.id}/photos").get_data(as_text=True)
    assert "1 photo still needs alt text before this project can be published." in draft_page
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Photos waiting for alt text" in dashboard
    assert re.search(
        rf'<a href="/admin/projects/{live.id}/photos">Live Rooms</a>: 2 ready photos visitors do not see until they have alt text.',
        dashboard,
    )
    assert "Draft Rooms</a>: 1" not in dashboard  # a draft shows nobody anything yet: it is listed as a draft


def test_a_published_project_takes_a_described_photo_as_its_cover(app, client, admin, portfolio):
    project = portfolio.project("Covered", "interiors", photos=2)
    first, second = _photos(app, project.id)
    with app.app_context():
        second.alt_text = ""
        services().store.update_photo(second)
    response = admin.post(f"/admin/photos/{second.id}/cover", follow_redirects=True)
    assert "Give this photo its alt text first" in response.get_data(as_text=True)
    with app.app_context():
        assert services().store.get_project(project.id).cover_photo_id == first.id


def test_a_photos_own_credit_is_edited_beside_what_the_original_and_the_files_say(
    app, client, admin, portfolio, hold_jobs
):
    from dataclasses import replace

    project = portfolio.project("Credits", "interiors", photos=1)
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[0]
        photo = services().store.update_photo(
            replace(
                photo,
                rights_source={"creator": "Sam Goodie", "copyright": "© 2023 Sam Goodie"},
                rights={"creator": "Sam Goodie", "copyright": "© 2023 Sam Goodie", "credit": "S.Goodie"},
                rendering="old",
            )
        )
        queued = hold_jobs(app)
    grid = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert f"/admin/photos/{photo.id}/rights" in grid
    page = client.get(f"/admin/photos/{photo.id}/rights").get_data(as_text=True)
    assert "What the original file says" in page and "© 2023 Sam Goodie" in page
    assert "GPS" in page  # says what never leaves the original

    refused = admin.post(f"/admin/photos/{photo.id}/rights", {"rights_license_url": "not a page"})
    assert refused.status_code == 400 and "full web address" in refused.get_data(as_text=True)

    saved = admin.post(
        f"/admin/photos/{photo.id}/rights",
        {"rights_credit": "Courtesy of Hotel Lisboa", "rights_license_url": "https://hotel.example/terms"},
        follow_redirects=True,
    )
    assert "written again" in saved.get_data(as_text=True)
    with app.app_context():
        stored = services().store.get_photo(photo.id)
    assert stored.rights_override == {
        "credit": "Courtesy of Hotel Lisboa",
        "license_url": "https://hotel.example/terms",
    }
    assert stored.status == "queued" and queued.photo_ids() == [photo.id]


# -- alt text proposed from the file ------------------------------------------------------------
def _with_file_words(app, project, words):
    with app.app_context():
        photos = services().store.photos_for_project(project.id)
        for photo, (title, description) in zip(photos, words, strict=True):
            photo.alt_text, photo.caption = "", ""
            photo.file_title, photo.file_description = title, description
            services().store.update_photo(photo)
        return [p.id for p in photos]


def test_a_card_proposes_the_files_text_and_one_click_takes_it(app, client, admin, portfolio):
    project = portfolio.project("Cards", "interiors", photos=2)
    first, second = _with_file_words(app, project, [("Lobby", "Marble."), ("", "")])
    page = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert page.count("data-file-proposal>") == 1 and "Use the file&#39;s titles for 1 photo<" in page
    assert f'action="/admin/photos/{first}/file-text"' in page
    response = admin.post(f"/admin/photos/{first}/file-text", follow_redirects=True)
    assert response.status_code == 200 and "Alt text taken from the file." in response.get_data(as_text=True)
    with app.app_context():
        photo = services().store.get_photo(first)
    assert (photo.alt_text, photo.caption, photo.alt_text_from_file, photo.caption_from_file) == (
        "Lobby",
        "Marble.",
        True,
        True,
    )
    again = admin.post_json(f"/admin/photos/{first}/file-text", {})
    assert again.status_code == 409 and "proposes none" in again.get_json()["error"]["message"]
    nothing = admin.post_json(f"/admin/photos/{second}/file-text", {})
    assert nothing.status_code == 409


def test_the_bulk_button_and_its_json_path(app, client, admin, portfolio):
    project = portfolio.project("Bulk", "interiors", photos=3)
    ids = _with_file_words(app, project, [("A", "a."), ("B", ""), ("", "c.")])
    only = admin.post_json(f"/admin/projects/{project.id}/photos/file-text", {"photos": [ids[1]]}).get_json()
    assert only["photos"] == {
        ids[1]: {"alt_text": "B", "caption": "", "alt_text_from_file": True, "caption_from_file": False}
    }
    response = admin.post(f"/admin/projects/{project.id}/photos/file-text", follow_redirects=True)
    assert "Alt text taken from the files of 2 photos." in response.get_data(as_text=True)
    with app.app_context():
        assert [p.alt_text for p in services().store.photos_for_project(project.id)] == ["A", "B", "c."]
    html = client.get(f"/admin/projects/{project.id}/photos").get_data(as_text=True)
    assert "data-file-proposal>" not in html and html.count(">from the file</span>") >= 3
