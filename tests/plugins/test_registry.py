"""The plugin registry: discovery from entry points, enabling, isolation of failures, precedence."""

from __future__ import annotations

import logging
import sys
import textwrap
from importlib.metadata import EntryPoint

import pytest

from sgoodie import create_app, plugin_loader
from sgoodie.plugin_api import API_VERSION
from sgoodie.services import services

HELLO = """
from flask import Blueprint, render_template
from sgoodie.plugin_api import Plugin, signals

plugin = Plugin("hello", version="1.2.0", description="Says hello.")
bp = plugin.add_blueprint(Blueprint("hello", __name__, url_prefix="/hello", template_folder="templates"))
received = []

@bp.get("/")
def index():
    return render_template("hello/index.html")

plugin.add_nav_entry("Hello", "hello.index")

@plugin.slot("before_footer")
def footer(**context):
    return "<b>hello from a slot</b>"

@plugin.on(signals.page_saved)
def saved(app, page, **kwargs):
    received.append(page.id)
"""

BROKEN_SLOT = """
from sgoodie.plugin_api import Plugin, signals
plugin = Plugin("broken", version="0.1")

@plugin.slot("before_footer")
def explode(**context):
    raise RuntimeError("slot exploded")

@plugin.on(signals.page_saved)
def explode_too(app, **kwargs):
    raise RuntimeError("handler exploded")
"""


@pytest.fixture
def plugin_packages(tmp_path, monkeypatch):
    """Write plugin modules to a folder on sys.path and expose them as entry points."""
    root = tmp_path / "site-packages"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    entries: list[EntryPoint] = []

    def install(module: str, source: str, attribute: str = "plugin", templates: dict[str, str] | None = None):
        package = root / module
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(source))
        for path, text in (templates or {}).items():
            target = package / "templates" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        entries.append(
            EntryPoint(name=module, value=f"{module}:{attribute}", group=plugin_loader.ENTRY_POINT_GROUP)
        )

    monkeypatch.setattr(plugin_loader, "entry_points", lambda group: [e for e in entries if e.group == group])
    yield install
    for module in [
        m
        for m in sys.modules
        if m.startswith(
            ("hello_plugin", "broken_plugin", "missing_plugin", "versioned_plugin", "styled_plugin")
        )
    ]:
        del sys.modules[module]


def _app(tmp_path, **config):
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x", **config}
    )
    with app.app_context():
        services().store.init_schema()
    return app


HELLO_TEMPLATE = {
    "hello/index.html": '{% extends "public/layout.html" %}{% block main %}<p>Hello from a plugin</p>{% endblock %}'
}


def test_an_entry_point_plugin_serves_its_route_nav_and_slot(tmp_path, plugin_packages):
    plugin_packages("hello_plugin", HELLO, templates=HELLO_TEMPLATE)
    app = _app(tmp_path)
    client = app.test_client()
    response = client.get("/hello/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hello from a plugin" in html
    assert 'href="/hello/"' in html  # its navigation entry
    assert "&lt;b&gt;hello from a slot&lt;/b&gt;" in html  # plain strings from slots are escaped
    records = {r.name: r for r in plugin_loader.registry(app).records}
    assert records["hello"].state == "enabled" and records["hello"].version == "1.2.0"


def test_plugin_signal_handlers_receive_signals(tmp_path, plugin_packages):
    plugin_packages("hello_plugin", HELLO, templates=HELLO_TEMPLATE)
    app = _app(tmp_path)
    from sgoodie import content
    from sgoodie.domain import Page

    with app.test_request_context():
        content.pages.save(Page("about", {"bio": "x"}))
    assert sys.modules["hello_plugin"].received == ["about"]


def test_sgoodie_plugins_can_disable_a_plugin(tmp_path, plugin_packages):
    plugin_packages("hello_plugin", HELLO, templates=HELLO_TEMPLATE)
    app = _app(tmp_path, PLUGINS="-hello")
    assert app.test_client().get("/hello/").status_code == 404
    assert {r.name: r.state for r in plugin_loader.registry(app).records}["hello"] == "disabled"


def test_a_plugin_that_fails_to_import_is_logged_and_the_site_keeps_serving(
    tmp_path, plugin_packages, caplog
):
    plugin_packages("missing_plugin", "import not_a_real_module\n")
    caplog.set_level(logging.ERROR)
    app = _app(tmp_path)
    assert app.test_client().get("/").status_code == 200
    record = {r.name: r for r in plugin_loader.registry(app).records}["missing_plugin"]
    assert record.state == "failed" and "not_a_real_module" in record.reason
    assert "missing_plugin" in caplog.text


def test_slot_and_signal_failures_are_isolated(tmp_path, plugin_packages, caplog):
    plugin_packages("broken_plugin", BROKEN_SLOT)
    caplog.set_level(logging.ERROR)
    app = _app(tmp_path)
    assert app.test_client().get("/about").status_code == 200
    assert "slot exploded" in caplog.text and "broken" in caplog.text
    from sgoodie import content
    from sgoodie.domain import Page

    with app.test_request_context():
        saved = content.pages.save(Page("about", {"bio": "still saved"}))
    assert saved.version == 1
    assert "handler exploded" in caplog.text


def _versioned(api_version: str) -> str:
    return f"from sgoodie.plugin_api import Plugin\nplugin = Plugin('versioned', api_version={api_version})\n"


@pytest.mark.parametrize(
    ("declared", "advice"),
    [("(2, 0)", "built for 1.x"), ("(0, 9)", "built for 1.x"), ("(1, 99)", "upgrade sgoodie")],
)
def test_a_plugin_built_for_an_incompatible_api_is_refused_at_start_naming_both_versions(
    tmp_path, plugin_packages, caplog, declared, advice
):
    plugin_packages("versioned_plugin", _versioned(declared))
    caplog.set_level(logging.ERROR)
    app = _app(tmp_path)
    record = {r.name: r for r in plugin_loader.registry(app).records}["versioned"]
    wanted = declared.strip("()").replace(", ", ".")
    assert record.state == "failed"
    assert (
        f"built for plugin API {wanted}, and this sgoodie provides {'.'.join(map(str, API_VERSION))}"
        in record.reason
    )
    assert advice in record.reason
    assert f"plugin versioned was built for plugin API {wanted}" in caplog.text  # the start-up log
    assert app.test_client().get("/").status_code == 200  # the site runs without it


@pytest.mark.parametrize("declared", ["(1, 0)", "(1, 1)", "1"])
def test_an_older_minor_of_the_same_major_is_compatible(tmp_path, plugin_packages, declared):
    plugin_packages("versioned_plugin", _versioned(declared))
    app = _app(tmp_path)
    record = {r.name: r for r in plugin_loader.registry(app).records}["versioned"]
    assert record.state == "enabled" and not record.warning


def test_a_plugin_that_declares_no_api_version_runs_as_1_0_with_a_warning(
    tmp_path, plugin_packages, caplog, actions_for
):
    from sgoodie.accounts import create_or_reset_admin

    plugin_packages(
        "versioned_plugin", "from sgoodie.plugin_api import Plugin\nplugin = Plugin('versioned')\n"
    )
    caplog.set_level(logging.WARNING)
    app = _app(tmp_path)
    record = {r.name: r for r in plugin_loader.registry(app).records}["versioned"]
    assert record.state == "enabled"
    assert "declares no plugin API version: loaded as 1.0" in record.warning
    assert "plugin versioned declares no plugin API version" in caplog.text
    with app.app_context():
        create_or_reset_admin("warn@example.com", "a long enough password")
    admin = actions_for(app.test_client())
    assert admin.login("warn@example.com", "a long enough password").status_code == 302
    page = admin.client.get("/admin/plugins").get_data(as_text=True)
    assert "declares no plugin API version: loaded as 1.0" in page
    contact = page[page.index('data-plugin="contact"') :]
    assert "<td>1.2</td>" in contact[: contact.index("</tr>")]  # the plugin API it was built for


def test_a_malformed_api_version_fails_the_plugin_with_the_reason(tmp_path, plugin_packages):
    plugin_packages("versioned_plugin", _versioned("'1.1'"))
    app = _app(tmp_path)
    record = {r.name: r for r in plugin_loader.registry(app).records}["versioned_plugin"]  # never built
    assert record.state == "failed" and "(major, minor) pair" in record.reason


def test_the_built_in_plugins_and_the_example_declare_the_current_api_version(tmp_path):
    app = _app(tmp_path)
    records = {r.name: r for r in plugin_loader.registry(app).records}
    for name in ("contact", "proofing", "redirects", "testimonials"):
        assert records[name].state == "enabled", (name, records[name].reason)
        assert records[name].plugin.api_version == API_VERSION and not records[name].warning, name


def test_site_templates_override_plugin_templates_which_override_core(tmp_path, plugin_packages):
    plugin_packages("hello_plugin", HELLO, templates=HELLO_TEMPLATE)
    site_templates = tmp_path / "instance" / "templates"
    (site_templates / "hello").mkdir(parents=True)
    (site_templates / "hello" / "index.html").write_text("site version")
    app = _app(tmp_path)
    assert app.test_client().get("/hello/").get_data(as_text=True) == "site version"


def test_core_features_are_plugins_too(tmp_path):
    app = _app(tmp_path)
    core = {r.name for r in plugin_loader.registry(app).records if r.source == "core"}
    assert {"public", "admin", "media"} <= core


ADMIN_OUTSIDE = """
from flask import Blueprint
from sgoodie.plugin_api import Plugin
plugin = Plugin("sneaky")
plugin.add_admin_blueprint(Blueprint("sneaky", __name__, url_prefix="/sneaky"))
"""

NOT_FOUND = """
from pathlib import Path
from flask import redirect
from sgoodie.plugin_api import Plugin
plugin = Plugin("lost", template_folder=str(Path(__file__).parent / "templates"))

@plugin.on_not_found
def explode(path):
    raise RuntimeError("not-found handler exploded")

@plugin.on_not_found
def rescue(path):
    return redirect("/about") if path == "/lost" else None
"""


def test_admin_pages_must_live_under_admin(tmp_path, plugin_packages):
    plugin_packages("sneaky_plugin", ADMIN_OUTSIDE)
    app = _app(tmp_path)
    record = {r.name: r for r in plugin_loader.registry(app).records}["sneaky_plugin"]
    assert record.state == "failed" and "must live under /admin/" in record.reason


def test_not_found_handlers_answer_in_turn_and_their_failures_are_isolated(tmp_path, plugin_packages, caplog):
    plugin_packages(
        "lost_plugin", NOT_FOUND, templates={"errors/404.html": "<p>the plugin's own 404 page</p>"}
    )
    app = _app(tmp_path)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        assert client.get("/lost").headers["Location"] == "/about"
        missing = client.get("/elsewhere")
    assert missing.status_code == 404
    assert (
        missing.get_data(as_text=True) == "<p>the plugin's own 404 page</p>"
    )  # plugin templates override core ones
    assert "plugin lost: not-found handler failed" in caplog.text
    for module in [m for m in sys.modules if m.startswith(("sneaky_plugin", "lost_plugin"))]:
        del sys.modules[module]


LIMITED = """
from flask import Blueprint, request
from sgoodie.plugin_api import DEFAULT_BODY_LIMIT, Plugin, blueprint_body_limit, body_limit, csrf_exempt

plugin = Plugin("limited", version="1.0")
bp = plugin.add_blueprint(blueprint_body_limit(Blueprint("limited", __name__, url_prefix="/limited"), 2048))

@bp.post("/notes")
@csrf_exempt
def notes():
    return {"size": len(request.get_data())}

@bp.post("/tiny")
@csrf_exempt
@body_limit(100)
def tiny():
    return {"size": len(request.get_data())}

@bp.post("/default")
@csrf_exempt
@body_limit(DEFAULT_BODY_LIMIT)
def default():
    return {"size": len(request.get_data())}
"""


def test_a_plugin_declares_body_limits_through_the_plugin_api(tmp_path, plugin_packages):
    plugin_packages("limited_plugin", LIMITED)
    client = _app(tmp_path).test_client()
    assert client.post("/limited/notes", data=b"x" * 2048).get_json() == {"size": 2048}
    assert client.post("/limited/notes", data=b"x" * 2049).status_code == 413  # the blueprint's limit
    assert client.post("/limited/tiny", data=b"x" * 100).get_json() == {"size": 100}
    assert client.post("/limited/tiny", data=b"x" * 101).status_code == 413  # the view's own
    assert client.post("/limited/default", data=b"x" * 65536).get_json() == {"size": 65536}
    assert client.post("/limited/default", data=b"x" * 65537).status_code == 413
    del sys.modules["limited_plugin"]


STYLED = """
from pathlib import Path
from sgoodie.plugin_api import Plugin

plugin = Plugin("styled", version="1.0")
(Path(__file__).parent / "styled.css").write_text(".styled-strip { color: teal; } /* </style><script>x()</script> */")
plugin.add_stylesheet(Path(__file__).parent / "styled.css")
"""


def test_a_plugin_stylesheet_is_inlined_in_every_public_page(tmp_path, plugin_packages):
    plugin_packages("styled_plugin", STYLED)
    app = _app(tmp_path)
    head = app.test_client().get("/").get_data(as_text=True).split("</head>", 1)[0]
    styles = head.split("<style>", 1)[1].split("</style>", 1)[0]
    assert ".styled-strip { color: teal; }" in styles  # after the site's own CSS, in the same element
    assert "<script>x()" in styles  # a stylesheet cannot end the <style> element early: still in it
    assert 'rel="stylesheet"' not in head  # no request holds the first paint back


def test_a_missing_plugin_stylesheet_is_refused_when_the_plugin_loads():
    from sgoodie.plugin_api import Plugin

    with pytest.raises(ValueError, match="no stylesheet"):
        Plugin("careless").add_stylesheet("/nowhere/careless.css")
