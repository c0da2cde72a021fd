"""The planner: the folder's photos against the project's, by external id and content hash."""

from __future__ import annotations

from pathlib import Path

from sgoodie_sync.folder import LocalPhoto
from sgoodie_sync.metadata import FileText
from sgoodie_sync.plan import ORDER_BY_CAPTURE_TIME, full_order, make_plan, text_change


def local(key: str, sha: str = "", title: str = "", description: str = "", taken: str = "") -> LocalPhoto:
    return LocalPhoto(
        key, Path("/export") / key, 1000, 1, sha or f"sha-{key}", FileText(title, description, taken)
    )


def remote(key: str, order: int, sha: str = "", status: str = "ready", **fields) -> dict:
    return {
        "id": f"id-{key}",
        "external_id": key,
        "order": order,
        "status": status,
        "source_sha256": sha or f"sha-{key}",
        "alt_text": "",
        "caption": "",
        "alt_text_from_file": False,
        "caption_from_file": False,
        **fields,
    }


def test_new_changed_resumed_unchanged_and_failed_photos():
    plan = make_plan(
        [local("a.jpg"), local("b.jpg", sha="edited"), local("c.jpg"), local("d.jpg"), local("e.jpg")],
        [
            remote("b.jpg", 0),
            remote("c.jpg", 1, status="uploading"),  # created by a run that was cut off
            remote("d.jpg", 2),
            remote("e.jpg", 3, status="failed", error="Not an image"),
        ],
        alt_from_files=False,
    )
    assert [p.external_id for p in plan.new] == ["a.jpg"]
    assert [(p.external_id, r["id"]) for p, r in plan.replace] == [("b.jpg", "id-b.jpg")]
    assert [p.external_id for p, _ in plan.resumed] == ["c.jpg"]
    assert [p.external_id for p, _ in plan.failed_on_site] == ["e.jpg"]
    assert plan.unchanged == 1
    assert [p.external_id for p in plan.uploads] == ["a.jpg", "c.jpg", "b.jpg"]


def test_photos_gone_from_the_folder_go_to_the_trash_only_with_delete_and_site_photos_never():
    photos = [local("a.jpg")]
    on_site = [remote("a.jpg", 0), remote("gone.jpg", 1), {**remote("typed.jpg", 2), "external_id": ""}]
    kept = make_plan(photos, on_site)
    assert kept.trash == [] and [p["id"] for p in kept.left_on_site] == ["id-gone.jpg"]
    deleting = make_plan(photos, on_site, delete=True)
    assert [p["id"] for p in deleting.trash] == ["id-gone.jpg"] and deleting.left_on_site == []
    assert not make_plan([local("a.jpg")], [remote("a.jpg", 0)], delete=True).changes_anything


def test_the_files_words_fill_empty_text_and_follow_the_file_but_never_overwrite_typed_text():
    photo = local("a.jpg", title="Harbour at dusk", description="Boats come in")
    # A new photo, or one without text: both fields from the file.
    change = text_change(photo, None)
    assert (change.alt_text, change.caption) == ("Harbour at dusk", "Boats come in")
    # Text that came from an older version of the file follows the file.
    older = remote(
        "a.jpg",
        0,
        alt_text="Harbour",
        alt_text_from_file=True,
        caption="Boats come in",
        caption_from_file=True,
    )
    change = text_change(photo, older)
    assert (change.alt_text, change.caption) == ("Harbour at dusk", None)
    # What the photographer typed in the admin stays.
    typed = remote("a.jpg", 0, alt_text="My own words", caption="Mine too")
    assert text_change(photo, typed) is None
    # A title removed from the file takes nothing away.
    assert text_change(local("a.jpg"), older) is None
    # --no-alt-from-files
    plan = make_plan([photo], [remote("a.jpg", 0)], alt_from_files=False)
    assert plan.text == [] and not plan.changes_anything
    assert [c.alt_text for c in make_plan([photo], [remote("a.jpg", 0)]).text] == ["Harbour at dusk"]


def test_order_by_file_name_or_capture_time():
    photos = [
        local("IMG_10.jpg", taken="2024-05-01T10:00:00"),
        local("IMG_2.jpg", taken="2024-05-01T12:00:00"),
        local("IMG_1.jpg"),  # no capture time: after those that have one
        local("IMG_3.jpg", taken="2024-05-01T10:00:00"),  # same second: by name
    ]
    assert make_plan(photos, []).order == ["IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg", "IMG_10.jpg"]
    by_time = make_plan(photos, [], order_by=ORDER_BY_CAPTURE_TIME).order
    assert by_time == ["IMG_3.jpg", "IMG_10.jpg", "IMG_2.jpg", "IMG_1.jpg"]


def test_the_order_changes_only_when_the_site_differs_or_photos_are_added():
    photos = [local("IMG_1.jpg"), local("IMG_2.jpg")]
    in_order = [remote("IMG_1.jpg", 0), remote("IMG_2.jpg", 1)]
    assert not make_plan(photos, in_order).order_changes
    assert make_plan(photos, [remote("IMG_1.jpg", 1), remote("IMG_2.jpg", 0)]).order_changes
    assert make_plan([*photos, local("IMG_3.jpg")], in_order).order_changes


def test_the_full_order_keeps_the_projects_other_photos_after_the_folders():
    on_site = [
        {**remote("typed.jpg", 0), "external_id": ""},
        remote("IMG_2.jpg", 1),
        remote("IMG_1.jpg", 2),
        remote("gone.jpg", 3),
    ]
    assert full_order(["IMG_1.jpg", "IMG_2.jpg"], on_site) == [
        "id-IMG_1.jpg",
        "id-IMG_2.jpg",
        "id-typed.jpg",
        "id-gone.jpg",
    ]
