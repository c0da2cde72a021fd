"""A project's photos in the admin: status grid, alt text and caption, cover, order, delete."""

from __future__ import annotations

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


def test_delete_removes_the_original_and_every_variant(app, client, admin, portfolio):
    project = portfolio.project("Deleting", "interiors", photos=2)
    cover, other = _photos(app, project.id)
    with app.app_context():
        blobs = services().blobs
        for photo in (cover, other):
            blobs.put(f"projects/{project.id}/original/{photo.id}.jpg", b"jpeg", content_type="image/jpeg")
            for variant in photo.variants:
                blobs.put(variant.key, b"x", content_type="image/jpeg")
    confirm = client.get(f"/admin/photos/{cover.id}/delete")
    assert confirm.status_code == 200 and "Delete" in confirm.get_data(as_text=True)
    admin.post(f"/admin/photos/{cover.id}/delete")
    with app.app_context():
        keys = services().blobs.list_keys(f"projects/{project.id}/")
        assert not [k for k in keys if cover.id in k]
        assert len([k for k in keys if other.id in k]) == 16  # the other photo is untouched
        assert services().store.get_project(project.id).cover_photo_id == other.id  # the next photo took over
