"""What the plugin API lets plugins do to the site's content: read it through a view that cannot
write, and change it only through the operations that apply the admin's rules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sgoodie import plugin_api, signals
from sgoodie.content import revisions
from sgoodie.domain import ValidationError
from sgoodie.plugin_api import PROJECT_FIELDS, Plugin, current_store
from sgoodie.services import services

READS = {
    "get_project",
    "project_by_slug",
    "projects_in_category",
    "projects_by_ids",
    "get_photo",
    "photos_for_project",
    "get_pages",
}


def test_plugins_cannot_write_through_the_store(app, portfolio):
    project = portfolio.project("Harbour House")
    with app.test_request_context():
        view = current_store()
        store = services().store
        writes = {name for name in dir(store) if not name.startswith("_")} - READS
        assert {"update_project", "delete_project", "save_page", "records", "create_admin"} <= writes
        for name in writes:
            assert not hasattr(view, name), f"the plugins' store offers {name}"
        with pytest.raises(AttributeError):
            view.update_project(project)
        with pytest.raises(AttributeError):
            view.records = store.records  # nothing can be attached to it either
        # What it reads is the live content.
        assert view.get_project(project.id).title == "Harbour House"
        assert view.project_by_slug(project.slug).id == project.id
        assert [p.id for p in view.projects_in_category("interiors", listed_only=True)] == [project.id]
        assert [p.id for p in view.projects_by_ids([project.id])] == [project.id]
        photos = view.photos_for_project(project.id)
        assert len(photos) == 2 and view.get_photo(photos[0].id).id == photos[0].id
        assert "home" in view.get_pages(["home"])


def test_update_project_validates_keeps_a_revision_signals_and_purges(app, portfolio, client):
    project = portfolio.project("Harbour House")
    plugin = Plugin("tagger", api_version=(1, 1))
    saved = []

    def receive(sender, project, previous, **_):
        saved.append((previous.title, project.title))

    signals.project_saved.connect(receive, sender=app)
    try:
        assert "Harbour House" in client.get(f"/projects/{project.slug}").get_data(as_text=True)
        assert client.get(f"/projects/{project.slug}").headers.get("X-Cache") == "HIT"
        with app.test_request_context():
            changed = plugin.update_project(project.id, title="Harbour House, Bath")
            with pytest.raises(ValidationError) as refused:
                plugin.update_project(project.id, title="  ")
            assert "title" in refused.value.errors
            with pytest.raises(ValueError, match="gallery_password_hash"):
                plugin.update_project(project.id, gallery_password_hash="x")
            history = revisions.store().history("project", project.id)
            stored = current_store().get_project(project.id)
    finally:
        signals.project_saved.disconnect(receive, sender=app)
    assert changed.title == stored.title == "Harbour House, Bath"
    assert history[0].note == "Changed by the tagger plugin" and history[0].fields["title"] == stored.title
    assert saved == [("Harbour House", "Harbour House, Bath")]
    assert "Harbour House, Bath" in client.get(f"/projects/{project.slug}").get_data(as_text=True)  # purged
    assert "title" in PROJECT_FIELDS and "slug" not in PROJECT_FIELDS


def test_update_photo_text_checks_and_signals(app, portfolio):
    project = portfolio.project("Harbour House")
    plugin = Plugin("captions", api_version=(1, 1))
    saved = []

    def receive(sender, photo, **_):
        saved.append(photo.alt_text)

    signals.photo_saved.connect(receive, sender=app)
    try:
        with app.test_request_context():
            photo = current_store().photos_for_project(project.id)[0]
            plugin.update_photo_text(photo.id, alt_text="A blue door", caption="Bath, 2026")
            with pytest.raises(ValidationError):
                plugin.update_photo_text(photo.id, alt_text="x" * 5000, caption="")
            stored = current_store().get_photo(photo.id)
    finally:
        signals.photo_saved.disconnect(receive, sender=app)
    assert (stored.alt_text, stored.caption) == ("A blue door", "Bath, 2026")
    assert saved == ["A blue door"]


# -- plugins import only what the API exports -------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
PLUGIN_SOURCES = sorted((ROOT / "sgoodie" / "plugins").rglob("*.py")) + sorted(
    (ROOT / "examples" / "plugins").rglob("*.py")
)


def _is_plugin_api(module: str | None, level: int) -> bool:
    return module == "sgoodie.plugin_api" or (level > 0 and module == "plugin_api")


def names_taken_from_the_api(source: str) -> set[str]:
    """Every name a module takes from `sgoodie.plugin_api`: imported from it (`*` included), or
    read as an attribute of the module imported whole (`from sgoodie import plugin_api as api`)."""
    tree = ast.parse(source)
    taken: set[str] = set()
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _is_plugin_api(node.module, node.level):
            taken |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module in ("sgoodie", None):
            aliases |= {alias.asname or alias.name for alias in node.names if alias.name == "plugin_api"}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "sgoodie.plugin_api":
                    aliases.add(alias.asname or "sgoodie.plugin_api")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) in aliases:
            taken.add(node.attr)
    return taken


def test_the_scan_finds_every_way_of_taking_a_name():
    source = """
from sgoodie.plugin_api import Plugin, services
from ...plugin_api import csrf as protection
from sgoodie import plugin_api as api
import sgoodie.plugin_api
api._gallery_access.access(None)
sgoodie.plugin_api.current_store()
"""
    assert names_taken_from_the_api(source) == {
        "Plugin",
        "services",
        "csrf",
        "_gallery_access",
        "current_store",
    }


def test_plugins_import_only_the_names_in_all():
    assert len(PLUGIN_SOURCES) > 15 and any("examples" in str(p) for p in PLUGIN_SOURCES)
    exported = set(plugin_api.__all__)
    outside = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in PLUGIN_SOURCES
        for name in names_taken_from_the_api(path.read_text())
        if name not in exported
    }
    assert not outside, f"plugins take names sgoodie.plugin_api does not export: {sorted(outside)}"


def test_every_exported_name_exists_and_is_explained_in_the_plugin_guide():
    guide = (ROOT / "docs" / "plugins.md").read_text()
    for name in plugin_api.__all__:
        assert hasattr(plugin_api, name), name
        in_code = re.search(rf"`[^`\n]*\b{name}\b[^`\n]*`", guide)
        assert in_code, f"docs/plugins.md does not show what {name} is for"


def test_plugins_write_records_only_in_collections_of_their_own(app):
    from sgoodie.plugin_api import PluginStorage, RateWindow

    # A plugin reaching the core's records could lift a sign-in lockout or rewrite history.
    with pytest.raises(ValueError, match="plugin:<plugin name>:"):
        RateWindow("login-failures-account", limit=5, seconds=900)
    with pytest.raises(ValueError, match="plugin:<plugin name>:"):
        PluginStorage("revisions:project:abc")
    window = RateWindow("plugin:tagger:rate", limit=2, seconds=60)
    with app.app_context():
        assert window.hit("k") == 1 and window.hit("k") == 2 and window.exceeded("k")
