"""The trash in a real Chromium: a project moved to the trash from its form and restored from the
Trash page comes back where it was, among the home page's featured projects and in its category."""

from __future__ import annotations

import pytest

from sgoodie.services import services

pytestmark = pytest.mark.browser


def _titles(page, url: str, selector: str) -> list[str]:
    page.goto(url)
    return [title.strip() for title in page.locator(selector).all_inner_texts()]


def test_a_project_restored_from_the_trash_is_second_again_on_home_and_in_its_category(
    app, admin_page, live_server, portfolio
):
    names = ["Alfama Flat", "Belém Studio", "Chiado Loft", "Douro House"]
    projects = [portfolio.project(name, "interiors", photos=1, featured=True) for name in names]
    home, category = live_server.url + "/", live_server.url + "/work/interiors"
    featured, listed = ".cards--featured .card__title", "main .card__title"
    assert _titles(admin_page, home, featured) == names
    assert _titles(admin_page, category, listed) == names

    admin_page.goto(f"{live_server.url}/admin/projects/{projects[1].id}/delete")
    admin_page.get_by_role("button", name="Move to the trash").click()
    admin_page.wait_for_url("**/admin/projects/**")
    assert "Moved “Belém Studio” and its photo to the trash" in admin_page.content()
    without = [names[0], *names[2:]]
    assert _titles(admin_page, home, featured) == without
    assert _titles(admin_page, category, listed) == without

    with app.app_context():
        assert services().jobs.wait(120)  # its files moved under trash/ (the restore moves them back)
    admin_page.goto(live_server.url + "/admin/trash/")
    row = admin_page.locator("li, tr").filter(has_text="Belém Studio").last
    row.get_by_role("button", name="Restore").click()
    admin_page.wait_for_url("**/admin/trash/")
    assert "Belém Studio" in admin_page.locator("[role=status], .flash, .messages").first.inner_text()
    assert _titles(admin_page, home, featured) == names  # second again, not last
    assert _titles(admin_page, category, listed) == names
