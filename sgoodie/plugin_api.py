"""The plugin API: the one module a plugin imports.

A plugin is a `Plugin` object, found through the `sgoodie.plugins` entry-point group (the entry
point names the object, e.g. ``testimonials = sgoodie_testimonials:plugin``) or as the `plugin`
attribute of a module in `sgoodie/plugins/`. The core features (public site, admin, media API,
health checks) are plugins too, loaded and wired through this same `Plugin`; being part of
sgoodie, they also use its private modules (the services and stores, `content` for the changes
that send signals, the page cache), which plugins reach only through the functions below.

Everything a plugin may use is exported below (`__all__`); anything else in sgoodie is private and
may change between releases. `API_VERSION` is a (major, minor) pair: the minor grows when
something is added, the major when something changes incompatibly. Every plugin declares the
version it was built for; the loader refuses one built for another major, or for a newer minor
than this sgoodie provides, with a message naming the plugin and both versions.

Minimal plugin::

    from flask import Blueprint
    from sgoodie.plugin_api import Plugin, signals

    plugin = Plugin("hello", version="1.0.0", api_version=(1, 2), description="Says hello.")
    bp = plugin.add_blueprint(Blueprint("hello", __name__, url_prefix="/hello"))

    @bp.get("/")
    def index():
        return "hello"

    plugin.add_nav_entry("Hello", "hello.index")

    @plugin.slot("project_footer")
    def footer(project, **context):
        return f"{project.title}: say hello!"

    @plugin.on(signals.project_saved)
    def saved(app, project, **kwargs):
        app.logger.info("saved %s", project.title)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import click
from blinker import Signal
from flask import Blueprint, Flask, request
from markupsafe import Markup

from . import content as _content
from . import gallery_access as _gallery_access
from . import mail as _mail
from . import signals
from .auth import address_key, admins_only, private_response
from .blobs import plugin_file_key
from .bodies import DEFAULT_LIMIT as DEFAULT_BODY_LIMIT
from .bodies import blueprint_body_limit, body_limit, max_upload_bytes
from .cache import tag_current_page
from .cache.cdn import Paths
from .config import Setting
from .domain import Image, Page, Photo, Project, SiteSettings, ValidationError, Variant
from .file_urls import media_url, signed_url
from .http_errors import asks_for_json
from .http_errors import json_error as _json_error
from .jobs import JobKind
from .mail import Delivery, deliver_mail, one_line
from .mail import send as send_mail
from .meta import Meta, simple_meta
from .meta import absolute as _absolute
from .meta import external_url as _external_url
from .photos import edits as _photo_edits
from .ratelimit import Ceiling as _Ceiling
from .ratelimit import Window as _Window
from .security import csrf as _csrf
from .security import set_private_cookie
from .services import services as _services
from .spreadsheets import csv_response
from .stores import ContentStore as _ContentStore
from .stores import StaleVersionError as _StaleVersionError
from .tokens import SCOPES as _SCOPES
from .tokens import current_token as _current_token

#: 1.0: the API as it was until plugins declared a version. 1.1: `current_store()` is read-only
#: and content changes go through `update_project` and `update_photo_text`; `send_mail` uses the
#: site's one mail setting and takes a reply-to, headers and an HTML part; `send_mail_later`.
#: 1.2: `Plugin.api_route` (token-authenticated endpoints under /api/v1/), `api_error`,
#: `api_token_name`; the `dashboard_answers` slot (cards for what waits for the photographer's
#: answer, first); `deliver_mail`, `send_mail` saying why a message was not accepted (`Delivery`);
#: `gallery_visitor` (who opened a client gallery: their access id and kind, an invitation's
#: recipient); `Plugin.gallery_photos` (narrow the photos a client gallery page shows: sets);
#: the `signals.reindexed` signal (`sgoodie reindex` ran: upgrade the plugin's own stored data).
API_VERSION: tuple[int, int] = (1, 2)
#: What a plugin that declares no version is taken to be built for (with a warning).
UNDECLARED_API_VERSION: tuple[int, int] = (1, 0)
PERIODIC_EVERY = 300.0  # seconds between runs of a plugin's periodic function
#: The first segments of /api/v1/ paths the site itself answers (plugins add theirs beside them).
RESERVED_API_PATHS = ("projects", "photos", "categories", "openapi.json", "upload")
#: The project fields `Plugin.update_project` changes (the rest belong to the admin: the
#: address, category and order, who may see a client gallery).
PROJECT_FIELDS = (
    "title",
    "description",
    "location",
    "client",
    "published",
    "featured",
    "seo_title",
    "seo_description",
    "cover_photo_id",
    "publish_at",
    "unpublish_at",
    "gallery_watermark",
)

#: Named places in the layouts that plugins can fill. Slot functions receive the keyword
#: arguments listed and return a string (escaped), `Markup` (trusted HTML) or None.
SLOTS: dict[str, str] = {
    "head": "Inside <head> of public pages (meta tags, styles). Args: page_title.",
    "after_header": "Below the site header on every public page.",
    "home_after_intro": "On the home page, after the intro and before the featured work.",
    "category_footer": "Below the project grid of a category page. Args: category.",
    "project_footer": "Below a project's gallery. Args: project, photos.",
    "before_footer": "Above the site footer on every public page.",
    "gallery_header": "Under the title of a client gallery the visitor opened. Args: project, photos.",
    "gallery_photo": "Under each photo of a client gallery the visitor opened. Args: project, photo.",
    "admin_head": "Inside <head> of admin pages.",
    "dashboard_answers": (
        "Cards at the top of the admin dashboard, first on a phone, for what waits for the "
        "photographer's answer (a new inquiry, a selection received). Return None when nothing "
        "waits: the section is left out, and the plugin's card belongs in dashboard_widgets then."
    ),
    "dashboard_widgets": "Cards on the admin dashboard.",
    "admin_project_sidebar": "Beside the project form in the admin. Args: project.",
}

__all__ = [
    "API_VERSION",
    "ApiRoute",
    "api_error",
    "api_token_name",
    "asks_for_json",
    "DEFAULT_BODY_LIMIT",
    "SLOTS",
    "RateCeiling",
    "RateWindow",
    "blueprint_body_limit",
    "body_limit",
    "Image",
    "Markup",
    "Page",
    "Photo",
    "Plugin",
    "PluginStorage",
    "PROJECT_FIELDS",
    "ReadOnlyStore",
    "Project",
    "Setting",
    "SiteSettings",
    "ValidationError",
    "PhotoFile",
    "PluginFiles",
    "absolute_url",
    "client_address",
    "csrf_exempt",
    "csv_response",
    "set_private_cookie",
    "gallery_access",
    "gallery_today",
    "gallery_visitor",
    "current_categories",
    "current_settings",
    "current_store",
    "external_url",
    "max_upload_bytes",
    "one_line",
    "page_meta",
    "photo_file",
    "photo_url",
    "private_response",
    "purge_tags",
    "mail_enabled",
    "send_mail",
    "send_mail_later",
    "deliver_mail",
    "Delivery",
    "signals",
    "tag_response",
]


@dataclass(frozen=True)
class MenuEntry:
    """A link in the public navigation or the admin menu. `endpoint` is a Flask endpoint name."""

    label: str
    endpoint: str
    order: int = 50
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiRoute:
    """An endpoint a plugin adds under /api/v1/ (`Plugin.api_route`)."""

    path: str  # after /api/v1, Flask's syntax: "/galleries/<project_id>/selections"
    methods: tuple[str, ...]
    scope: str
    view: Callable[..., Any]
    operation: Mapping[str, Any]  # its OpenAPI operation: summary, parameters, requestBody, responses

    @property
    def openapi_path(self) -> str:
        return re.sub(r"<(?:[a-z]+:)?([A-Za-z_][A-Za-z0-9_]*)>", r"{\1}", self.path)


@dataclass
class SlotHandler:
    plugin: str
    function: Callable[..., Any]
    order: int = 50


@dataclass
class SignalHandler:
    signal: Signal
    function: Callable[..., Any]


class Plugin:
    """Everything one plugin contributes. Build it at import time; the loader wires it into the app.

    `name` is how SGOODIE_PLUGINS enables or disables it; `version` is shown in the admin;
    `api_version` is the (major, minor) plugin API this plugin was built for (`API_VERSION` when
    it was written). A plugin declaring none is loaded as 1.0, with a warning.

    `cache_tags` declares the cache tags this plugin puts on pages (`tag_response`) and purges
    (`purge_tags`), each with the public paths it covers, so that a purge also invalidates those
    paths on the CDN. Keys are a tag (``"testimonials"``) or a family of tags (``"journal:*"``:
    every ``journal:<value>``); values are paths (``["/", "/journal"]``, ``"/*"`` for every page)
    or a function of the tag's value returning them (``lambda slug: [f"/journal/{slug}"]``). A tag
    is declared by one plugin only. A plain list of tags, without paths, still works: each then
    covers every page, as does a purged tag nobody declared.
    """

    def __init__(
        self,
        name: str,
        *,
        version: str = "0.0.0",
        description: str = "",
        api_version: tuple[int, int] | None = None,
        template_folder: str | None = None,
        cache_tags: Mapping[str, Paths] | Iterable[str] = (),
    ):
        self.name = name
        self.version = version
        self.description = description
        self.api_version = _version_pair(api_version) if api_version is not None else None
        #: A folder of templates that override core templates of the same name (site templates in
        #: the instance folder override these in turn).
        self.template_folder = template_folder
        #: Cache tags this plugin's pages carry and that it purges, with the paths they cover.
        self.cache_tags: dict[str, Paths] = (
            dict(cache_tags) if isinstance(cache_tags, Mapping) else dict.fromkeys(cache_tags, ("/*",))
        )
        self.core = False
        self.blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        self.stylesheets: list[Path] = []
        self.nav_entries: list[MenuEntry] = []
        self.admin_menu_entries: list[MenuEntry] = []
        self.slot_handlers: dict[str, list[SlotHandler]] = {}
        self.signal_handlers: list[SignalHandler] = []
        self.commands: list[click.Command] = []
        self.settings: list[Setting] = []
        self.settings_validator: Callable[[Mapping[str, Any]], None] | None = None
        self.setup_functions: list[Callable[[Flask], None]] = []
        self.not_found_handlers: list[Callable[[str], Any]] = []
        self.gallery_filters: list[Callable[[Project, list[Photo]], list[Photo]]] = []
        #: The storage collections this plugin declared (`storage`): `sgoodie export` carries them.
        self.storages: set[str] = set()
        #: Per collection, the fields `sgoodie export --without-secrets` leaves empty (`storage`).
        self.secret_fields: dict[str, tuple[str, ...]] = {}
        self.tasks: dict[str, Callable[[str], None]] = {}
        self.periodic_functions: list[Callable[[], None]] = []
        self.api_routes: list[ApiRoute] = []

    def __repr__(self) -> str:
        return f"<Plugin {self.name} {self.version}>"

    # -- contributions ---------------------------------------------------------------------------
    def add_blueprint(self, blueprint: Blueprint, **options: Any) -> Blueprint:
        """Serve a blueprint (routes, templates, static files). Options go to `register_blueprint`."""
        self.blueprints.append((blueprint, options))
        return blueprint

    def add_admin_blueprint(self, blueprint: Blueprint, **options: Any) -> Blueprint:
        """Serve admin pages: the blueprint's URLs must start with /admin/, every view requires a
        signed-in admin (anonymous visitors go to the sign-in page, JSON callers get 401), and
        responses are never cached. Templates can extend "admin/layout.html"."""
        prefix = options.get("url_prefix", blueprint.url_prefix) or ""
        if not prefix.startswith("/admin/"):
            raise ValueError(
                f"admin blueprint {blueprint.name!r} must live under /admin/ (url_prefix={prefix!r})"
            )
        admins_only(
            blueprint, open_endpoints={f"{blueprint.name}.static"}
        )  # stylesheets and scripts are no secrets
        blueprint.after_request(private_response)
        return self.add_blueprint(blueprint, **options)

    def api_route(
        self,
        path: str,
        methods: Sequence[str] = ("GET",),
        *,
        scope: str,
        schema: Mapping[str, Any] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: a JSON endpoint at `/api/v1<path>` for programs holding an access token
        (`Authorization: Bearer …`) with `scope` (`read`, `publish` or `galleries`). The site
        checks the token, its scope and its rate limit before the view runs, and answers refusals
        in the API's one error shape (401, 403, 429); a session cookie never opens it, and CSRF
        does not apply. `schema` is the endpoint's OpenAPI operation (summary, parameters besides
        the path's, requestBody, its own responses): it joins /api/v1/openapi.json with the
        refusals above added. Answer errors with `api_error`. The path must not be one of the
        site's own (/projects, /photos, /categories, /openapi.json)."""
        if scope not in _SCOPES:
            raise ValueError(f"plugin {self.name}: scope {scope!r} is not one of {', '.join(_SCOPES)}")
        if not path.startswith("/") or path.split("/")[1] in RESERVED_API_PATHS:
            raise ValueError(f"plugin {self.name}: /api/v1{path} is not a plugin's to take")

        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            self.api_routes.append(
                ApiRoute(path, tuple(m.upper() for m in methods), scope, view, dict(schema or {}))
            )
            return view

        return register

    def add_stylesheet(self, path: str | os.PathLike[str]) -> None:
        """CSS that every public page needs, inlined in their `<head>` after the site's own (a
        stylesheet of its own would be one more request holding back the first paint on a phone).
        Keep it small; its `url()`s must be absolute paths. The file is read once, when the first
        page is drawn (on every page in debug mode, so edits show)."""
        stylesheet = Path(path)
        if not stylesheet.is_file():
            raise ValueError(f"plugin {self.name}: no stylesheet at {stylesheet}")
        self.stylesheets.append(stylesheet)

    def add_nav_entry(self, label: str, endpoint: str, *, order: int = 50, **values: Any) -> None:
        """A link in the public site's main navigation (core entries use orders 10-40)."""
        self.nav_entries.append(MenuEntry(label, endpoint, order, values))

    def add_admin_menu_entry(self, label: str, endpoint: str, *, order: int = 50, **values: Any) -> None:
        """A link in the admin menu (core entries use orders 10-40)."""
        self.admin_menu_entries.append(MenuEntry(label, endpoint, order, values))

    def slot(self, name: str, *, order: int = 50) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: fill the named template slot (see SLOTS). Lower `order` renders first."""
        if name not in SLOTS:
            raise ValueError(f"unknown slot {name!r}; known slots: {', '.join(SLOTS)}")

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self.slot_handlers.setdefault(name, []).append(SlotHandler(self.name, function, order))
            return function

        return register

    def on(self, signal: Signal) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: call the function when `signal` is sent. It receives the app and the
        signal's keyword arguments. An exception is logged with the plugin's name, not raised."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self.signal_handlers.append(SignalHandler(signal, function))
            return function

        return register

    def add_command(self, command: click.Command) -> click.Command:
        """Add a command under the `sgoodie` CLI (runs inside the app context)."""
        self.commands.append(command)
        return command

    def add_settings(
        self, *settings: Setting, validate: Callable[[Mapping[str, Any]], None] | None = None
    ) -> None:
        """Declare environment settings with defaults. `validate(config)` may raise ValueError
        with a message; the plugin is then disabled and the message logged."""
        self.settings.extend(settings)
        if validate is not None:
            self.settings_validator = validate

    def on_not_found(self, function: Callable[[str], Any]) -> Callable[[str], Any]:
        """Decorator: before a visitor gets the 404 page, `function(path)` may return a response
        to send instead (a redirect, say); None lets the next handler, then the 404 page, answer."""
        self.not_found_handlers.append(function)
        return function

    def gallery_photos(
        self, function: Callable[[Project, list[Photo]], list[Photo]]
    ) -> Callable[[Project, list[Photo]], list[Photo]]:
        """Decorator: `function(project, photos)` returns the photos a client gallery's page shows
        (a part of them, in any order), called in the request, so it may read its query string
        (the proofing plugin's sets: `?set=`). Filters run in plugin order, each on the previous
        one's result; the gallery_header and gallery_photo slots get what remains. An exception
        is not skipped (the page fails rather than show photos meant to be hidden)."""
        self.gallery_filters.append(function)
        return function

    def on_setup(self, function: Callable[[Flask], None]) -> Callable[[Flask], None]:
        """Decorator: run `function(app)` once when the app is built (register filters, etc.)."""
        self.setup_functions.append(function)
        return function

    def task(self, name: str) -> Callable[[Callable[[str], None]], Callable[[str], None]]:
        """Decorator: `function(argument)` is background work of this plugin, run by the site's
        job runner (the worker thread locally, Celery on AWS) inside an app context, for up to an
        hour, with the same retry policy as photo jobs: an exception is retried after 5, 20, 60,
        180 and 300 s, then logged and dropped. Make it idempotent. Start it with
        `run_in_background(name, argument)`."""

        if not re.fullmatch(r"[a-z0-9_-]+", name):
            raise ValueError(f"task names are lowercase letters, digits, '-' and '_' ({name!r})")

        def register(function: Callable[[str], None]) -> Callable[[str], None]:
            self.tasks[name] = function
            return function

        return register

    def periodic(self, function: Callable[[], None]) -> Callable[[], None]:
        """Decorator: call `function()` about every five minutes (Celery beat on AWS; the
        in-process runner locally), in an app context. Every process may run it (several gunicorn
        workers each have a runner thread): claim what you do with
        `storage(...).increment(...) == 1` so it happens once."""
        self.periodic_functions.append(function)
        return function

    def run_in_background(self, name: str, argument: str) -> None:
        """Queue this plugin's task `name` with a string argument (ids, not records: the task
        reads what it needs when it runs). Inside a request or app context."""
        if name not in self.tasks:
            raise ValueError(f"plugin {self.name} has no task {name!r}")
        _services().jobs.enqueue(self._job_name(name), argument=argument)

    def job_kinds(self) -> list[JobKind]:
        """This plugin's tasks and periodic functions as job kinds (the loader registers them)."""
        kinds = [
            JobKind(self._job_name(name), _task_runner(task), long=True) for name, task in self.tasks.items()
        ]
        kinds += [
            JobKind(self._job_name(function.__name__), function, every=PERIODIC_EVERY)
            for function in self.periodic_functions
        ]
        return kinds

    def _job_name(self, name: str) -> str:
        return f"plugin.{self.name}.{name}"

    # -- changing the site's content, by the admin's rules -----------------------------------------
    def update_project(self, project_id: str, **changes: Any) -> Project:
        """Change fields of a project (`PROJECT_FIELDS`) as the admin's project form does: the
        same validation (ValidationError with a message per field: publishing needs alt text on
        every photo, say), a revision noted with this plugin's name, `project_saved`, the cached
        pages purged. Applied to the latest version (retried when someone saves meanwhile)."""
        unknown = set(changes) - set(PROJECT_FIELDS)
        if unknown:
            raise ValueError(
                f"plugins may change {', '.join(PROJECT_FIELDS)}; not {', '.join(sorted(unknown))}"
            )
        for _ in range(3):
            previous = _services().store.get_project(project_id)
            if previous is None:
                raise ValidationError({"project": "This project no longer exists."})
            try:
                return _content.projects.save(
                    replace(previous, **changes), previous, note=f"Changed by the {self.name} plugin"
                )
            except _StaleVersionError:
                continue  # saved by someone else between the read and the write: apply to theirs
        raise ValidationError({"project": "This project keeps changing; try again."})

    def update_photo_text(self, photo_id: str, *, alt_text: str, caption: str) -> Photo:
        """Set a project photo's alt text and caption as the admin's photo grid does: checked
        (ValidationError), `photo_saved` sent, the pages showing it purged."""
        photo = _services().store.get_photo(photo_id)
        if photo is None:
            raise ValidationError({"photo": "This photo no longer exists."})
        return _photo_edits.update_text(photo, alt_text, caption)

    def files(self) -> PluginFiles:
        """This plugin's private files in the site's storage (local disk or S3): never on a
        public path, given to browsers through signed, short-lived links only."""
        return PluginFiles(self.name)

    def storage(self, collection: str, *, secret: tuple[str, ...] = ()) -> PluginStorage:
        """This plugin's own records, kept in the content store (SQLite or DynamoDB) under a
        collection named after the plugin. Use inside a request or app context. Call it at import
        time (`quotes = plugin.storage("quotes")`): the collections a plugin declared when it loaded
        are the ones `sgoodie export` puts in the site's archive. `secret` names the fields
        (hashes, people's names, addresses) an archive made `--without-secrets` leaves empty."""
        self.storages.add(collection)
        if secret:
            self.secret_fields[f"plugin:{self.name}:{collection}"] = secret
        return PluginStorage(f"plugin:{self.name}:{collection}")


@dataclass(frozen=True)
class RateWindow(_Window):
    """`limit` events per `seconds` in a collection of the plugin's own (`plugin:<name>:...`),
    counted in the site's records, so every worker shares it."""

    def __post_init__(self) -> None:
        _plugins_own(self.collection)


@dataclass(frozen=True)
class RateCeiling(_Ceiling):
    """Wrong guesses at one secret over all addresses (see `sgoodie.ratelimit.Ceiling`), counted in
    a collection of the plugin's own (`plugin:<name>:...`)."""

    def __post_init__(self) -> None:
        _plugins_own(self.collection)


def _version_pair(version: object) -> tuple[int, int]:
    """`(1, 1)`; a bare major (`1`, as plugins declared it before minors existed) is `(1, 0)`."""
    if isinstance(version, int) and not isinstance(version, bool):
        return (version, 0)
    if (
        isinstance(version, tuple)
        and len(version) == 2
        and all(isinstance(part, int) and not isinstance(part, bool) for part in version)
    ):
        return version
    raise ValueError(f"api_version must be a (major, minor) pair of integers such as (1, 1), not {version!r}")


def _task_runner(task: Callable[[str], None]) -> Callable[..., None]:
    def run(argument: str) -> None:
        task(argument)

    return run


def _plugins_own(collection: str) -> str:
    """A records collection a plugin may write: `plugin:<name>:...`, never one of the core's
    (sign-in lockouts, revisions, the activity log), which only its own rules change."""
    if not collection.startswith("plugin:"):
        raise ValueError(f"a plugin's collection starts with 'plugin:<plugin name>:' (not {collection!r})")
    return collection


class PluginStorage:
    """Records of one plugin collection: JSON dicts under string keys that sort as text."""

    def __init__(self, collection: str):
        self.collection = _plugins_own(collection)

    def _records(self):
        return _services().store.records  # this plugin's own records: no content rules apply

    def get(self, key: str) -> dict[str, Any] | None:
        return self._records().get(self.collection, key)

    def put(self, key: str, data: Mapping[str, Any], *, expires_at: int | None = None) -> None:
        self._records().put(self.collection, key, data, expires_at=expires_at)

    def delete(self, key: str) -> None:
        self._records().delete(self.collection, key)

    def all(
        self, *, prefix: str = "", newest_first: bool = False, limit: int | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        return self._records().query(self.collection, prefix=prefix, newest_first=newest_first, limit=limit)

    def increment(self, key: str, field: str, amount: int = 1, *, expires_at: int | None = None) -> int:
        return self._records().increment(self.collection, key, field, amount, expires_at=expires_at)


class PluginFiles:
    """Private files of one plugin, by name (letters, digits, `-` and `_`, then an extension;
    up to three folders): `zips/2026-x.zip`."""

    def __init__(self, plugin: str):
        self.plugin = plugin

    def key(self, name: str) -> str:
        return plugin_file_key(self.plugin, name)

    def put_stream(self, name: str, stream: BinaryIO, *, max_bytes: int = 1 << 40) -> int:
        """Store a stream of any length without holding it in memory (`read(size)` is all it
        needs); returns the size. Nothing is stored when reading fails."""
        return _services().blobs.put_stream(self.key(name), stream, max_bytes=max_bytes)

    def open(self, name: str) -> BinaryIO:
        return _services().blobs.open(self.key(name))

    def size(self, name: str) -> int | None:
        info = _services().blobs.head(self.key(name))
        return info.size if info else None

    def names(self, folder: str = "") -> list[str]:
        prefix = self.key(folder.rstrip("/") + "/" if folder else "")
        return [key.removeprefix(self.key("")) for key in _services().blobs.list_keys(prefix)]

    def delete(self, *names: str) -> None:
        _services().blobs.delete_many([self.key(name) for name in names])

    def signed_url(self, name: str, *, download_name: str = "", gallery: Project | None = None) -> str:
        """A link valid for one to two hours; with `download_name`, saved under that name. With
        `gallery` (a client gallery's own file, such as its ZIP), the link ends with the gallery's
        grants: a new password, or the visitor's own access revoked."""
        return signed_url(self.key(name), download_name=download_name, gallery=gallery)


@dataclass(frozen=True)
class PhotoFile:
    """One stored file of a photo: the original, or a JPEG rendition of a given width."""

    key: str
    filename: str  # what to call it in a download: the uploaded name, with the width for renditions
    size: int

    def open(self) -> BinaryIO:
        return _services().blobs.open(self.key)

    def download_url(self) -> str:
        """A signed link (one to two hours) that saves the file under `filename`."""
        return signed_url(self.key, download_name=self.filename)


def photo_file(photo: Photo, width: int | None = None) -> PhotoFile | None:
    """The file a client downloads: the original (`width=None`) or the widest JPEG no wider than
    `width` (the narrowest when all are wider); None when the photo has no such file yet. Clean
    even when the previews carry a watermark (the clean JPEGs made for downloads), unless the
    gallery marks its downloads too (`Project.gallery_watermark == "all"`): then the widest
    marked JPEG stands for the original."""
    stem = (photo.filename.rsplit(".", 1)[0] if photo.filename else "") or photo.id
    marked = bool(photo.watermark) and not photo.downloads
    if width is None and not marked:
        if not photo.original_key:
            return None
        extension = photo.original_key.rsplit(".", 1)[-1]
        name = photo.filename if photo.filename.lower().endswith(f".{extension}") else f"{stem}.{extension}"
        return PhotoFile(photo.original_key, name, photo.size)
    chosen = _jpeg(photo.downloads or photo.variants, width)
    return PhotoFile(chosen.key, f"{stem}-{chosen.width}.jpg", chosen.bytes) if chosen else None


def _jpeg(variants: Sequence[Variant], width: int | None) -> Variant | None:
    """The widest JPEG no wider than `width` (any, for None), else the narrowest."""
    jpegs = sorted((v for v in variants if v.format == "jpeg"), key=lambda v: v.width)
    if not jpegs:
        return None
    return ([v for v in jpegs if width is None or v.width <= width] or jpegs[:1])[-1]


def photo_url(photo: Photo, width: int = 640) -> str:
    """A browser's URL for a JPEG of the photo about this wide, as the gallery shows it (with its
    watermark, if any): its public address, or a signed link for a client gallery's photo. Empty
    while it has no renditions."""
    found = _jpeg(photo.variants, width)
    return media_url(found.key) if found else ""


def api_error(code: str, message: str, status: int) -> Any:
    """The API's one error shape, `{"error": {"code", "message"}}`, with this status: return it
    from an `api_route` view (404 for what does not exist, 422 for invalid input...)."""
    return _json_error(code, message, status)


def api_token_name() -> str:
    """The name the photographer gave the access token of the current /api/v1 request."""
    token = _current_token()
    return token.name if token else ""


def gallery_access(project: Project) -> str:
    """How the visitor of this request opened this client gallery: "client" (its password),
    "guest" (its guest password: view only), or "" (not opened, or the grant no longer holds:
    a password changed, the gallery expired). Truthy whenever they may see it."""
    return _gallery_access.access(project)


def gallery_visitor(project: Project) -> dict[str, str] | None:
    """Who the visitor of this request is in this client gallery, None while they may not see
    it: `access_id` (their own access: an invitation's id; "" for the shared password), `kind`
    ("client" or "guest"), and for an invitation `invitation_id`, the recipient's `name` and
    `email` ("" for the shared password). Key what you record per person by `access_id`."""
    return _content.invitations.visitor(project)


def gallery_today() -> str:
    """Today (YYYY-MM-DD) in the site's time zone, the day galleries' expiry dates count in."""
    return _gallery_access.today()


def client_address() -> str:
    """The visitor's address as rate limits should count it (behind the trusted proxies; IPv6
    by its /64)."""
    return address_key(request.remote_addr or "")


class ReadOnlyStore:
    """The site's content as plugins see it: projects, photos and pages to read. It has no way to
    change them: a change goes through `Plugin.update_project` or `Plugin.update_photo_text`,
    which validate, keep a revision, send the signals and purge the cached pages, as the admin's
    forms do. (A plugin's own records are `Plugin.storage`.)"""

    __slots__ = ("_store",)

    def __init__(self, store: _ContentStore):
        self._store = store

    def get_project(self, project_id: str) -> Project | None:
        return self._store.get_project(project_id)

    def project_by_slug(self, slug: str) -> Project | None:
        return self._store.project_by_slug(slug)

    def projects_in_category(self, category: str, *, listed_only: bool = False) -> list[Project]:
        """In display order; `listed_only`: the published public ones visitors see listed."""
        return self._store.projects_in_category(category, listed_only=listed_only)

    def projects_by_ids(self, project_ids: Iterable[str]) -> list[Project]:
        return self._store.projects_by_ids(list(project_ids))

    def get_photo(self, photo_id: str) -> Photo | None:
        return self._store.get_photo(photo_id)

    def photos_for_project(self, project_id: str) -> list[Photo]:
        """In the project's display order."""
        return self._store.photos_for_project(project_id)

    def get_pages(self, page_ids: Iterable[str]) -> dict[str, Page]:
        return self._store.get_pages(page_ids)


def current_store() -> ReadOnlyStore:
    """The site's content (projects, photos, pages), to read only."""
    return ReadOnlyStore(_services().store)


def current_settings() -> SiteSettings:
    """The site settings (business name, contact email, ...)."""
    return _services().site_settings()


def current_categories(*, hidden: bool = False) -> dict[str, str]:
    """The work categories visitors see (with `hidden=True`, every one: admin pages), slug -> name,
    in navigation order. The photographer edits them; never keep a copy beyond the request."""
    return _services().categories if hidden else _services().visible_categories


def csrf_exempt(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: this POST view does its own request authentication (a signature, a signed form
    timestamp) instead of the session's CSRF token."""
    return _csrf.exempt(view)


def page_meta(heading: str = "", description: str = "", *, indexable: bool = True) -> Meta:
    """Title, description and canonical link for a plugin's public page: pass it as `meta=` to a
    template extending "public/layout.html". `indexable=False` asks search engines to skip it."""
    meta = simple_meta(heading, description)
    return meta if indexable else replace(meta, canonical="")


def absolute_url(path: str) -> str:
    """A path on this site as an absolute URL on the site's one trusted origin (SGOODIE_SITE_URL;
    the request's own origin only when that is unset, in local development). Never build one
    from `request.host_url` or the Host header: a client chooses those."""
    return _absolute(path)


def external_url(endpoint: str, **values: Any) -> str:
    """An endpoint's absolute URL on that same origin, for e-mails and anything read away from
    the page (`url_for(endpoint, _external=True)` gives the same)."""
    return _external_url(endpoint, **values)


def tag_response(*tags: str) -> None:
    """Declare that the public page being rendered shows content under these cache tags, so that
    `purge_tags` of any of them refreshes it."""
    tag_current_page(*tags)


def purge_tags(*tags: str) -> None:
    """Drop every cached public page tagged with any of these tags (across all workers), and
    their declared paths on the CDN when there is one."""
    _services().purge(*tags)


def mail_enabled() -> bool:
    """Whether the site sends e-mail (`SGOODIE_MAIL` is set): say so where a feature depends on it."""
    return _mail.mailer().transport is not None


def send_mail_later(
    to: str | Sequence[str],
    subject: str,
    text: str,
    *,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    html: str = "",
    what: str = "e-mail",
) -> None:
    """`send_mail` as background work, for a visitor's request: it returns at once, and the job
    runner sends the mail, trying again on the job retry policy until the server accepts it.
    Nothing is queued while the site sends no mail."""
    if not mail_enabled():
        return
    _services().jobs.enqueue(
        _mail.SEND_JOB,  # its arguments are JSON: a Celery message on AWS
        to=to if isinstance(to, str) else list(to),
        subject=subject,
        text=text,
        reply_to=reply_to,
        headers=dict(headers or {}),
        html=html,
        what=what,
    )
