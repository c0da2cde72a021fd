"""The admin in a real Chromium: sign in, drag to reorder, publish, upload photos and watch them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sgoodie.services import services

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server, admin_user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/admin/")
    assert "/admin/login" in page.url
    page.fill("input[name=email]", "photographer@example.com")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    yield page
    assert errors == []
    context.close()


def test_drag_to_reorder_saves_the_new_order_in_one_request(app, page, live_server, portfolio):
    ids = [portfolio.project(name, "travel").id for name in ("First", "Second", "Third")]
    page.goto(live_server.url + "/admin/projects/?category=travel")
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "reorder" in request.url else None)
    handles = page.locator(".sortable .drag-handle")
    third, first = handles.nth(2).bounding_box(), handles.nth(0).bounding_box()
    x = third["x"] + third["width"] / 2
    page.mouse.move(x, third["y"] + third["height"] / 2)
    page.mouse.down()
    with page.expect_response(lambda response: "reorder" in response.url) as saved:
        for step in range(1, 11):  # up to the top quarter of the first row
            page.mouse.move(x, third["y"] + (first["y"] + first["height"] * 0.25 - third["y"]) * step / 10)
        page.mouse.up()
    assert saved.value.status == 200
    assert [item.get_attribute("data-id") for item in page.locator(".sortable > [data-id]").all()] == [ids[2], ids[0], ids[1]]
    with app.app_context():
        order = [p.id for p in services().store.projects_in_category("travel")]
    assert order == [ids[2], ids[0], ids[1]]
    assert len(requests) == 1


def test_publish_a_draft_and_see_it_live(app, page, live_server, portfolio):
    project = portfolio.project("Quiet Draft", "interiors", published=False)
    page.goto(f"{live_server.url}/admin/projects/{project.id}")
    page.check("input[name=published]")
    page.click("form.layout-form button[type=submit]")
    page.wait_for_selector(".flash, [role=status]")
    assert "It is live" in page.content()
    visitor = page.context.browser.new_page()
    visitor.goto(f"{live_server.url}/projects/quiet-draft")
    assert "Quiet Draft" in visitor.title()
    visitor.close()


def _jpeg(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 900), color).save(buffer, "JPEG")
    return buffer.getvalue()


def test_drop_photos_and_watch_them_become_ready_or_failed(app, page, live_server, portfolio, tmp_path):
    project = portfolio.project("Upload Here", "interiors", photos=0)
    page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    files = [{"name": "hall.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((200, 180, 150))},
             {"name": "garden.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((90, 140, 80))},
             {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((10, 10, 10))[:4000]}]
    page.set_input_files("[data-file-input]", files)
    page.wait_for_function("""() => {
        const items = document.querySelectorAll('.upload-item');
        return items.length === 3 && Array.from(items).every(i => ['ready', 'failed', 'error'].includes(i.dataset.state));
    }""", timeout=60000)
    states = page.eval_on_selector_all(".upload-item", "items => items.map(i => [i.querySelector('.upload-item__name').textContent, i.dataset.state, i.querySelector('.upload-item__status').textContent])")
    by_name = {name: (state, text) for name, state, text in states}
    assert by_name["hall.jpg"][0] == "ready" and by_name["garden.jpg"][0] == "ready"
    assert by_name["broken.jpg"][0] == "failed" and "incomplete" in by_name["broken.jpg"][1]
    assert page.locator(".upload-item img").count() == 2  # thumbnails appeared without a reload
    assert page.eval_on_selector("[data-overall-bar]", "bar => bar.value") == 100
    page.screenshot(path=str(tmp_path / "uploads.png"), full_page=True)
    with app.app_context():
        statuses = sorted(p.status for p in services().store.photos_for_project(project.id))
    assert statuses == ["failed", "ready", "ready"]
