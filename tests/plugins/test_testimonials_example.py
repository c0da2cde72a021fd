"""The example third-party plugin (examples/plugins/sgoodie-testimonials), installed into the test
environment by `scripts/setup test` as a real package with an entry point: each contribution."""

from __future__ import annotations

import re
from importlib.metadata import entry_points

import pytest

from sgoodie.cache.cdn import tag_paths
from sgoodie.plugin_loader import registry
from sgoodie.services import services


def test_it_is_installed_and_found_through_its_entry_point(app):
    found = {entry.name: entry for entry in entry_points(group="sgoodie.plugins")}
    assert "testimonials" in found and found["testimonials"].dist.name == "sgoodie-testimonials"
    record = next(r for r in registry(app).records if r.name == "testimonials")
    assert (record.source, record.version, record.state) == ("sgoodie-testimonials", "1.0.0", "enabled")


def _add(
    admin,
    quote="Sharp, calm, and every room looked its best.",
    client="Marin Studio",
    project_id="",
    published=True,
):
    data = {"quote": quote, "client": client, "role": "Architects", "project_id": project_id}
    if published:
        data["published"] = "on"
    return admin.post("/admin/testimonials/", data)


def test_admin_page_slot_and_cache_purge(app, admin, portfolio):
    client = app.test_client()  # a visitor (the admin fixture signs in the default client)
    portfolio.project("Harbour Loft", "interiors", featured=True)
    assert client.get("/").headers["X-Cache"] == "MISS"
    home = client.get("/")
    assert home.headers["X-Cache"] == "HIT" and "Kind words" not in home.get_data(as_text=True)

    assert "Testimonials" in admin.client.get("/admin/").get_data(as_text=True)  # its admin menu entry
    assert _add(admin).status_code == 302
    refreshed = client.get("/")
    assert (
        refreshed.headers["X-Cache"] == "MISS"
    )  # the plugin purged its tag; the home page was tagged with it
    html = refreshed.get_data(as_text=True)
    assert "Sharp, calm, and every room looked its best." in html and "Marin Studio" in html
    assert ".testimonials__list { display: grid;" in html.split("</style>", 1)[0]  # its stylesheet, inlined
    assert client.get("/about").headers.get("X-Cache") in ("MISS", "HIT")


def test_its_cache_tag_covers_the_home_page_on_the_cdn(app):
    assert tag_paths(app).paths_for({"testimonials"}) == {"/"}


def test_bad_input_is_explained(admin):
    response = _add(admin, quote="short", client="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Between 10 and 600" in html and "Who said it?" in html


def test_deleting_a_project_removes_its_testimonials_through_the_signal(app, admin, portfolio):
    client = app.test_client()
    project = portfolio.project("Harbour Loft", "interiors")
    _add(admin, project_id=project.id)
    _add(admin, quote="Another lovely shoot, thank you!", client="Ridge Coffee")
    client.get("/")
    assert client.get("/").headers["X-Cache"] == "HIT"
    token = admin.csrf_token(f"/admin/projects/{project.id}/delete")
    assert (
        admin.client.post(f"/admin/projects/{project.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    page = client.get("/")
    assert page.headers["X-Cache"] == "MISS"
    assert "Marin Studio" not in page.get_data(as_text=True) and "Ridge Coffee" in page.get_data(as_text=True)


def test_its_command_and_its_setting(app, runner, admin, tmp_path):
    _add(admin, published=False)
    result = runner.invoke(["testimonials"])
    assert result.exit_code == 0 and "hidden  Marin Studio: Sharp, calm" in result.output
    assert app.config["TESTIMONIALS_ON_HOME"] == 3

    from sgoodie import create_app

    broken = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "x"), "SECRET_KEY": "s", "TESTIMONIALS_ON_HOME": 40}
    )
    record = next(r for r in registry(broken).records if r.name == "testimonials")
    assert record.state == "failed" and "between 0 and 12" in record.reason


@pytest.mark.parametrize("spec, state", [("-testimonials", "disabled"), ("", "enabled")])
def test_it_can_be_switched_off(tmp_path, spec, state):
    from sgoodie import create_app

    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "x"), "SECRET_KEY": "s", "PLUGINS": spec}
    )
    assert next(r for r in registry(app).records if r.name == "testimonials").state == state
    with app.app_context():
        services().store.init_schema()
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert ("/admin/testimonials/" in rules) == (state == "enabled")


def test_the_plugins_page_lists_every_plugin(admin):
    html = admin.client.get("/admin/plugins").get_data(as_text=True)
    rows = dict(re.findall(r'data-plugin="([^"]+)">.*?<td>([^<]+)</td>', html, re.S))
    assert {"public", "admin", "media", "contact", "redirects", "testimonials"} <= set(rows)
    assert rows["testimonials"] == "1.0.0" and rows["contact"] == "1.0.0"
    assert "slots: home_after_intro" in html and "styles: testimonials.css" in html
    assert (
        "signals: project-deleted, project-saved" in html or "signals: project-saved, project-deleted" in html
    )
    assert "commands: testimonials" in html and "cache tags: testimonials" in html
