"""The photos page in a real Chromium: a JPEG carrying an IPTC/XMP title and description is
uploaded, its words are proposed as alt text and caption marked "From the file" and taken with one
click or all at once (with JavaScript, and with plain forms without it); and photos keep the order
they were picked in (or by file name) whichever upload ends first."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import expect

from sgoodie import content
from sgoodie.blobs import original_key
from sgoodie.domain import Photo, Project
from sgoodie.photos import processing
from sgoodie.services import services
from tests.conftest import jpeg_bytes, titled_original

pytestmark = pytest.mark.browser
READY_TIMEOUT = 180_000  # ms: the machine may be busy; never asserted on


def _new_project(app, title: str) -> Project:
    with app.test_request_context():
        return content.projects.create(Project(title=title, category="travel"))


def _texts(app, project_id):
    with app.app_context():
        return [
            (p.alt_text, p.caption, p.alt_text_from_file, p.caption_from_file)
            for p in services().store.photos_for_project(project_id)
        ]


def _wait_ready(page, count: int) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('.upload-item[data-state=ready]').length === {count}",
        timeout=READY_TIMEOUT,
    )
    page.wait_for_function(
        f"() => document.querySelectorAll('.photo-grid > [data-id]').length === {count}", timeout=60_000
    )


def test_an_uploaded_files_title_is_proposed_and_taken_with_one_click_then_in_bulk(
    app, admin_page, live_server
):
    project = _new_project(app, "Lisbon trams")
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    admin_page.set_input_files(
        "[data-file-input]",
        [
            {
                "name": f"tram-{n}.jpg",
                "mimeType": "image/jpeg",
                "buffer": titled_original(title, description, image=jpeg_bytes(color=(40 * n, 90, 140))),
            }
            for n, (title, description) in enumerate(
                [
                    ("Tram 28 at dusk", "Climbing to Graça, lights on."),
                    ("Elevador da Bica", "The funicular, noon."),
                ],
                1,
            )
        ],
    )
    _wait_ready(admin_page, 2)
    cards = admin_page.locator(".photo-grid > [data-id]")
    first = cards.nth(0)
    proposal = first.locator("[data-file-proposal]")
    expect(proposal.locator(".badge--file")).to_have_text("From the file")
    expect(proposal).to_contain_text("Tram 28 at dusk")
    expect(proposal).to_contain_text("Climbing to Graça, lights on.")
    bulk = admin_page.locator("[data-file-proposals]")
    expect(bulk.locator("button")).to_have_text("Use the file's titles for 2 photos")

    with admin_page.expect_response(lambda response: "/file-text" in response.url) as answered:
        proposal.locator("button").click()
    assert answered.value.status == 200
    expect(first.locator("input[name$=alt_text]")).to_have_value("Tram 28 at dusk")
    expect(first.locator("input[name$=caption]")).to_have_value("Climbing to Graça, lights on.")
    expect(first.locator("label .badge--file").first).to_have_text("from the file")
    expect(first.locator("[data-file-proposal]")).to_have_count(0)
    expect(bulk.locator("button")).to_have_text("Use the file's titles for 1 photo")
    assert _texts(app, project.id)[0] == ("Tram 28 at dusk", "Climbing to Graça, lights on.", True, True)

    # On the Describe page, the rest in one click, answered in place.
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos/describe")
    row = admin_page.locator("[data-describe-row]").nth(1)
    expect(row.locator("[data-file-proposal] .badge--file")).to_have_text("From the file")
    admin_page.get_by_role("button", name="Use the file's titles for 1 photo").click()
    expect(admin_page.locator("[data-describe-state]")).to_have_text(
        "Alt text taken from the files of 1 photo."
    )
    expect(row.locator("input[name$=alt_text]")).to_have_value("Elevador da Bica")
    expect(row.locator('[data-from-file="alt_text"]')).to_be_visible()
    expect(admin_page.locator("[data-file-proposals]")).to_be_hidden()
    expect(admin_page.locator("[data-describe-count]")).to_have_text("Every ready photo has alt text.")
    assert _texts(app, project.id)[1] == ("Elevador da Bica", "The funicular, noon.", True, True)


def _processed_titled(app, project: Project, words) -> list[str]:
    """Photos of `project` from real titled JPEGs, through the real job."""
    ids = []
    with app.test_request_context():
        for n, (title, description) in enumerate(words):
            photo = Photo(project_id=project.id, status="queued", filename=f"{n}.jpg")
            photo.original_key = original_key(project.id, photo.id, "jpg")
            data = titled_original(title, description, image=jpeg_bytes(color=(60 + 60 * n, 120, 90)))
            services().blobs.put(photo.original_key, data, content_type="image/jpeg")
            ids.append(processing.process(services().store.add_photo(photo).id).id)
    return ids


def test_without_javascript_one_proposal_and_then_all_are_taken_with_plain_forms(
    app, browser, live_server, admin_user
):
    project = _new_project(app, "Porto doors")
    _processed_titled(
        app, project, [("Blue door", "Azulejos."), ("Red door", "Rua das Flores."), ("Green door", "")]
    )
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login")
    page.fill("input[name=email]", "photographer@example.com")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    page.locator(".photo-grid > [data-id]").nth(0).locator("[data-file-proposal] button").click()
    expect(page.locator(".flash").first).to_contain_text("Alt text taken from the file.")
    assert _texts(app, project.id)[0] == ("Blue door", "Azulejos.", True, True)

    page.goto(f"{live_server.url}/admin/projects/{project.id}/photos/describe")
    # Enter in a field saves what was typed (the form's default button), it takes no proposal.
    caption = page.locator("[data-describe-row]").nth(1).locator("input[name$=caption]")
    caption.fill("Typed: a red door")
    caption.press("Enter")
    expect(page.locator(".flash").first).to_have_text("Saved 1 photo.")
    expect(page.locator("[data-file-proposal]")).to_have_count(2)
    page.get_by_role("button", name="Use the file's titles for 2 photos").click()
    expect(page.locator(".flash").first).to_contain_text("Alt text taken from the files of 2 photos.")
    assert _texts(app, project.id) == [
        ("Blue door", "Azulejos.", True, True),
        ("Red door", "Typed: a red door", True, False),  # what was typed is kept, the title taken
        ("Green door", "", True, False),
    ]
    context.close()


def _noise_jpeg(size, seed: int) -> bytes:
    """A JPEG that stays large (noise does not compress): several MB at 2800 × 2000."""
    image = Image.frombytes(
        "RGB", size, os.urandom(size[0] * size[1] * 3) if seed else b"\x80" * (size[0] * size[1] * 3)
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_photos_keep_the_order_picked_when_a_large_file_comes_first(app, admin_page, live_server):
    project = _new_project(app, "Picked order")
    large = _noise_jpeg((2800, 2000), seed=1)
    assert len(large) > 4 * 1024 * 1024
    picked = [("large-first.jpg", large)] + [(f"small-{n}.jpg", jpeg_bytes((400, 300))) for n in (2, 3, 4)]
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    expect(admin_page.locator("[data-upload-order]")).to_have_value("picked")
    admin_page.set_input_files(
        "[data-file-input]",
        [{"name": name, "mimeType": "image/jpeg", "buffer": data} for name, data in picked],
    )
    _wait_ready(admin_page, 4)
    names = [name for name, _ in picked]
    with app.app_context():
        assert [p.filename for p in services().store.photos_for_project(project.id)] == names
    # The grid showed them in that order as they arrived, without a reload.
    shown = admin_page.eval_on_selector_all(
        ".photo-grid > [data-id] .photo-card__meta [title]", "names => names.map(n => n.title)"
    )
    assert shown == names


def test_by_file_name_is_a_choice_the_browser_remembers(app, admin_page, live_server):
    project = _new_project(app, "By name")
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    admin_page.select_option("[data-upload-order]", "name")
    admin_page.reload()
    expect(admin_page.locator("[data-upload-order]")).to_have_value("name")
    admin_page.set_input_files(
        "[data-file-input]",
        [
            {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes((400, 300))}
            for name in ("c-10.jpg", "c-9.jpg", "a.jpg")
        ],
    )
    _wait_ready(admin_page, 3)
    with app.app_context():
        assert [p.filename for p in services().store.photos_for_project(project.id)] == [
            "a.jpg",
            "c-9.jpg",
            "c-10.jpg",
        ]


def _taken_at(when: str) -> bytes:
    """A small JPEG whose EXIF says when it was taken (DateTimeOriginal), as cameras write it."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif.get_ifd(0x8769)[0x9003] = when
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (90, 120, 150)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_by_capture_time_reads_each_jpegs_exif_in_the_browser(app, admin_page, live_server):
    project = _new_project(app, "By time")
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    admin_page.select_option("[data-upload-order]", "taken")
    files = [
        ("evening.jpg", _taken_at("2025:06:01 19:30:00")),
        ("undated.jpg", jpeg_bytes((400, 300))),
        ("morning.jpg", _taken_at("2025:06:01 07:05:00")),
        ("noon.jpg", _taken_at("2025:06:01 12:00:00")),
    ]
    admin_page.set_input_files(
        "[data-file-input]",
        [{"name": name, "mimeType": "image/jpeg", "buffer": data} for name, data in files],
    )
    _wait_ready(admin_page, 4)
    with app.app_context():
        listed = [p.filename for p in services().store.photos_for_project(project.id)]
    assert listed == ["morning.jpg", "noon.jpg", "evening.jpg", "undated.jpg"]  # undated ones last
