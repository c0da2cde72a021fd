"""Finding plugins and wiring them into the app (private: plugins use `sgoodie.plugin_api`).

Sources, in loading order:
1. core features (`sgoodie.health`, `sgoodie.public`, `sgoodie.admin`, `sgoodie.media`): always on;
2. built-in plugins, the modules and packages in `sgoodie/plugins/`;
3. third-party plugins, the `sgoodie.plugins` entry-point group.

A plugin that fails to import, targets another API version, has invalid settings or fails while
being wired is recorded with the reason and left out; the site keeps serving. A slot or signal
handler that raises is logged with its plugin's name and skipped.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from markupsafe import Markup, escape

from . import jobs
from .app import SgoodieFlask
from .auth import private_response
from .cache.cdn import TagPaths
from .config import ConfigError, Setting
from .domain import Photo, Project
from .plugin_api import API_VERSION, UNDECLARED_API_VERSION, MenuEntry, Plugin, SignalHandler, SlotHandler
from .security import csrf
from .tokens import token_required
from .version import __version__

log = logging.getLogger("sgoodie.plugins")

# Found by name, like third-party plugins, so the core never imports its features statically.
CORE_MODULES = ("sgoodie.health", "sgoodie.public", "sgoodie.admin", "sgoodie.media", "sgoodie.api")
#: Where the versioned API lives; plugins' `api_route`s are served under it too.
API_PREFIX = "/api/v1"
BUILTIN_PACKAGE = "sgoodie.plugins"
ENTRY_POINT_GROUP = "sgoodie.plugins"


@dataclass
class PluginRecord:
    """What the admin's plugin page shows about one plugin."""

    name: str
    source: str  # core | built-in | package name
    version: str = ""
    description: str = ""
    state: str = "enabled"  # enabled | disabled | failed
    reason: str = ""
    warning: str = ""  # running, but something needs the developer's attention
    plugin: Plugin | None = None


@dataclass
class PluginRegistry:
    records: list[PluginRecord] = field(default_factory=list)
    slots: dict[str, list[SlotHandler]] = field(default_factory=dict)
    nav_entries: list[MenuEntry] = field(default_factory=list)
    admin_menu_entries: list[MenuEntry] = field(default_factory=list)
    stylesheets: list[Path] = field(default_factory=list)  # inlined in every public page
    # Strong references to the wrapped signal receivers (blinker holds them weakly, so they live
    # exactly as long as the app).
    receivers: list[Callable[..., Any]] = field(default_factory=list)
    not_found_handlers: list[tuple[str, Callable[[str], Any]]] = field(default_factory=list)
    gallery_filters: list[Callable[[Project, list[Photo]], list[Photo]]] = field(default_factory=list)
    # The paths each plugin's cache tags cover (a purge invalidates them on the CDN).
    tag_paths: TagPaths = field(default_factory=TagPaths)

    def enabled(self) -> list[Plugin]:
        return [r.plugin for r in self.records if r.state == "enabled" and r.plugin is not None]

    def render_slot(self, app: Flask, name: str, context: dict[str, Any]) -> Markup:
        parts = []
        for handler in self.slots.get(name, ()):
            try:
                output = handler.function(**context)
            except Exception:
                app.logger.exception("plugin %s: slot %r failed; skipped", handler.plugin, name)
                continue
            if output:
                parts.append(output if isinstance(output, Markup) else escape(output))
        return Markup("\n").join(parts)

    def gallery_photos(self, project: Project, photos: list[Photo]) -> list[Photo]:
        """The photos a client gallery's page shows, after every plugin's `gallery_photos`."""
        for narrow in self.gallery_filters:
            photos = narrow(project, photos)
        return photos

    def answer_not_found(self, app: Flask, path: str) -> Any:
        """The first response a plugin gives for a path that matched nothing, or None."""
        for plugin_name, handler in self.not_found_handlers:
            try:
                response = handler(path)
            except Exception:
                app.logger.exception("plugin %s: not-found handler failed; skipped", plugin_name)
                continue
            if response is not None:
                return response
        return None


def init_app(app: SgoodieFlask, tag_paths: TagPaths) -> PluginRegistry:
    """Load and wire every plugin; their cache tags' CDN paths go into `tag_paths`."""
    registry = PluginRegistry(tag_paths=tag_paths)
    app.extensions["sgoodie.plugins"] = registry
    wanted = _selection(app.config.get("PLUGINS", ""))
    for source, name, load in _candidates():
        record = PluginRecord(name=name, source=source)
        registry.records.append(record)
        if source != "core" and not _is_enabled(name, wanted):
            record.state, record.reason = "disabled", "disabled by SGOODIE_PLUGINS"
            continue
        try:
            plugin = load()
        except Exception as exc:
            if source == "core":
                raise  # the site cannot run without its own features: fail loudly at start-up
            _fail(app, record, f"could not be imported: {exc.__class__.__name__}: {exc}", exc)
            continue
        if not isinstance(plugin, Plugin):
            _fail(app, record, f"does not provide a sgoodie.plugin_api.Plugin (got {type(plugin).__name__})")
            continue
        plugin.core = source == "core"
        if plugin.core:  # core features ship with sgoodie itself
            plugin.version, plugin.api_version = __version__, API_VERSION
        record.name, record.version, record.description, record.plugin = (
            plugin.name,
            plugin.version,
            plugin.description,
            plugin,
        )
        if source != "core" and not _is_enabled(plugin.name, wanted):
            record.state, record.reason = "disabled", "disabled by SGOODIE_PLUGINS"
            continue
        if plugin.api_version is None:
            record.warning = (
                f"declares no plugin API version: loaded as {_text(UNDECLARED_API_VERSION)}. "
                f"Its Plugin(...) should say api_version={API_VERSION} once it is checked against it."
            )
            log.warning("plugin %s %s", record.name, record.warning)
        if refusal := _api_refusal(plugin.api_version or UNDECLARED_API_VERSION):
            _fail(app, record, refusal)
            continue
        if any(other.name == plugin.name for other in registry.enabled() if other is not plugin):
            _fail(app, record, "has the same name as a plugin already loaded")
            continue
        try:
            _load_settings(app, plugin)
            _wire(app, registry, plugin)
        except Exception as exc:
            if plugin.core:
                raise
            _fail(app, record, f"could not be set up: {exc}", exc)
            continue

    registry.nav_entries.sort(key=lambda e: e.order)
    registry.admin_menu_entries.sort(key=lambda e: e.order)
    for handlers in registry.slots.values():
        handlers.sort(key=lambda h: h.order)

    @app.context_processor
    def plugin_context() -> dict[str, Any]:
        return {
            "slot": lambda name, **context: registry.render_slot(app, name, context),
            "nav_entries": registry.nav_entries,
            "admin_menu_entries": registry.admin_menu_entries,
        }

    return registry


def _text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _api_refusal(wanted: tuple[int, int]) -> str:
    """Why a plugin built for plugin API `wanted` cannot run on this one ("" when it can): a
    major is another API; a newer minor has what this one lacks; an older minor is a subset."""
    built = f"was built for plugin API {_text(wanted)}, and this sgoodie provides {_text(API_VERSION)}"
    if wanted[0] != API_VERSION[0]:
        return f"{built}: install a version of the plugin built for {API_VERSION[0]}.x"
    if wanted[1] > API_VERSION[1]:
        return f"{built}: upgrade sgoodie, or install an older version of the plugin"
    return ""


def registry(app: Flask) -> PluginRegistry:
    return app.extensions["sgoodie.plugins"]


# What a page is drawn from, besides content: code, templates, stylesheets and scripts.
_PAGE_SOURCES = (".py", ".html", ".css", ".js", ".svg")


def release(app: Flask) -> str:
    """A fingerprint of everything that draws the pages besides their content: sgoodie's own files,
    each enabled plugin's, and the site's template overrides. The page cache keys pages with it, so
    an upgrade (or a plugin turned on or off) is never served pages the old code drew, and during a
    rolling deploy old and new processes each keep their own."""
    folders = {Path(__file__).parent}
    for plugin in registry(app).enabled():
        folders.update(Path(bp.root_path) for bp, _ in plugin.blueprints)
        folders.update(Path(f).parent for f in plugin.stylesheets)
        if plugin.template_folder:
            folders.add(Path(plugin.template_folder))
        for handlers in plugin.slot_handlers.values():
            module = sys.modules.get(handlers[0].function.__module__) if handlers else None
            if module is not None and getattr(module, "__file__", None):
                folders.add(Path(module.__file__).parent)
    digest = hashlib.blake2b(__version__.encode(), digest_size=6)
    for folder in sorted(folders):
        digest.update(_code_digest(str(folder)))
    digest.update(_folder_digest(str(Path(app.instance_path) / "templates")))  # read anew: the site's own
    return digest.hexdigest()


@lru_cache(maxsize=64)  # installed code does not change under a running process
def _code_digest(folder: str) -> bytes:
    return _folder_digest(folder)


def _folder_digest(folder: str) -> bytes:
    digest = hashlib.blake2b(folder.encode(), digest_size=16)
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix in _PAGE_SOURCES and "__pycache__" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.digest()


def _candidates() -> Iterator[tuple[str, str, Callable[[], Any]]]:
    for module_name in CORE_MODULES:
        yield "core", module_name.rsplit(".", 1)[-1], _module_plugin(module_name)
    for name in _builtin_names():
        yield "built-in", name, _module_plugin(f"{BUILTIN_PACKAGE}.{name}")
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        source = entry.dist.name if entry.dist else "entry point"
        yield source, entry.name, _entry_point_plugin(entry)


def _builtin_names() -> list[str]:
    package = importlib.import_module(BUILTIN_PACKAGE)
    return sorted(
        info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")
    )


def builtin_plugin_settings() -> tuple[Setting, ...]:
    """The settings the built-in plugins declare (the README's configuration table lists them)."""
    found: list[Setting] = []
    for name in _builtin_names():
        found.extend(_module_plugin(f"{BUILTIN_PACKAGE}.{name}")().settings)
    return tuple(found)


def _module_plugin(module_name: str) -> Callable[[], Any]:
    return lambda: getattr(importlib.import_module(module_name), "plugin", None)


def _entry_point_plugin(entry: Any) -> Callable[[], Any]:
    def load() -> Any:
        loaded = entry.load()
        return getattr(loaded, "plugin", loaded)  # the entry point may name a module or the object

    return load


def _selection(spec: str) -> tuple[set[str], set[str]]:
    names = [part.strip() for part in spec.split(",") if part.strip()]
    return {n for n in names if not n.startswith("-")}, {n[1:] for n in names if n.startswith("-")}


def _is_enabled(name: str, selection: tuple[set[str], set[str]]) -> bool:
    only, without = selection
    return name not in without and (not only or name in only)


def _load_settings(app: Flask, plugin: Plugin) -> None:
    """Read the plugin's declared settings from the environment unless the app config already has
    them (tests, site config), then let the plugin validate the result."""
    for setting in plugin.settings:
        if setting.key in app.config:
            continue
        raw = os.environ.get(setting.env, "")
        try:
            app.config[setting.key] = setting.parse(raw) if raw else setting.default
        except ValueError as exc:
            raise ConfigError(f"{setting.env}={raw!r}: {exc}") from None
    if plugin.settings_validator:
        plugin.settings_validator(app.config)


def _wire(app: SgoodieFlask, registry: PluginRegistry, plugin: Plugin) -> None:
    registry.tag_paths.declare(plugin.cache_tags, owner=f"plugin {plugin.name}")
    if plugin.template_folder:
        app.add_plugin_templates(plugin.template_folder)
    for blueprint, options in plugin.blueprints:
        app.register_blueprint(blueprint, **options)
    if plugin.api_routes:
        app.register_blueprint(_api_blueprint(plugin))
    for name, handlers in plugin.slot_handlers.items():
        registry.slots.setdefault(name, []).extend(handlers)
    registry.nav_entries.extend(plugin.nav_entries)
    registry.stylesheets.extend(plugin.stylesheets)
    registry.admin_menu_entries.extend(plugin.admin_menu_entries)
    for handler in plugin.signal_handlers:
        registry.receivers.append(_connect(app, plugin, handler))
    registry.not_found_handlers.extend((plugin.name, handler) for handler in plugin.not_found_handlers)
    registry.gallery_filters.extend(plugin.gallery_filters)
    for command in plugin.commands:
        app.cli.add_command(command)
    for kind in plugin.job_kinds():
        jobs.registry(app).register(kind)
    for setup in plugin.setup_functions:
        setup(app)


def _api_blueprint(plugin: Plugin) -> Blueprint:
    """The plugin's /api/v1 endpoints, each behind the token check of its scope (a blueprint made
    for this app: the routes are the plugin's, the guard is the site's)."""
    blueprint = Blueprint(f"api_v1_{plugin.name}", f"{__name__}.{plugin.name}", url_prefix=API_PREFIX)
    for route in plugin.api_routes:
        blueprint.add_url_rule(
            route.path,
            endpoint=route.view.__name__,
            view_func=token_required(route.scope)(route.view),
            methods=list(route.methods),
        )
    blueprint.after_request(private_response)
    csrf.exempt(blueprint)  # a token, never a cookie, authenticates these requests
    return blueprint


def _connect(app: Flask, plugin: Plugin, handler: SignalHandler) -> Callable[..., Any]:
    def receiver(sender: Flask, **kwargs: Any) -> None:
        try:
            handler.function(sender, **kwargs)
        except Exception:
            app.logger.exception(
                "plugin %s: handler %s for signal %r failed; skipped",
                plugin.name,
                handler.function.__name__,
                handler.signal.name,
            )

    handler.signal.connect(receiver, sender=app, weak=True)
    return receiver


def _fail(app: Flask, record: PluginRecord, reason: str, exc: BaseException | None = None) -> None:
    record.state, record.reason = "failed", reason
    app.logger.error("plugin %s %s; the site runs without it", record.name, reason, exc_info=exc)
