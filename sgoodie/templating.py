"""Helpers every template can use: formatted text, media and static URLs, the site settings."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request, url_for
from markupsafe import Markup
from werkzeug.local import LocalProxy

from .domain import SiteSettings, time_zone
from .file_urls import media_url
from .image_formats import ACCEPT, INPUT_LABEL, PICTURE_SOURCES
from .plugin_loader import registry
from .services import services
from .text import long_date, plain_text, render_markdown


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["plain"] = plain_text
    app.jinja_env.filters["timestamp"] = format_timestamp
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.globals.update(
        categories=LocalProxy(visible_categories_or_none),
        all_categories=LocalProxy(lambda: services().categories),
        media_url=media_url,  # a client gallery's files through signed links
        static_url=static_url,
        inline_styles=inline_styles,
        site=LocalProxy(site_settings_or_default),
        current_year=lambda: date.today().year,
        upload_accept=ACCEPT,
        upload_formats=INPUT_LABEL,
        picture_sources=PICTURE_SOURCES,
    )


def site_settings_or_default() -> SiteSettings:
    """The site settings; defaults when the store is unreachable, so error pages still render."""
    try:
        return services().site_settings()
    except Exception:
        current_app.logger.warning("site settings unavailable; rendering with defaults", exc_info=True)
        return SiteSettings()


def visible_categories_or_none() -> dict[str, str]:
    """The navigation's categories; none when the store is unreachable, so error pages render."""
    try:
        return services().visible_categories
    except Exception:
        current_app.logger.warning("categories unavailable; rendering without them", exc_info=True)
        return {}


def static_url(filename: str) -> str:
    """A static file's URL with a content hash, so browsers may cache it for a year."""
    return url_for("static", filename=filename, v=_static_hash(current_app.static_folder, filename))


# `url(fonts/x.woff2)`: relative to the stylesheet's own address, which inlined CSS no longer has.
_RELATIVE_URL = re.compile(r"""url\((["']?)(?![a-z][a-z0-9+.-]*:|/|#)([^"')]+)\1\)""", re.IGNORECASE)


def inline_styles() -> Markup:
    """The public pages' CSS for their `<head>`: site.css, then each plugin's
    (`Plugin.add_stylesheet`). Most visitors of a portfolio land once, from a search or a post;
    on a phone each stylesheet request would hold the first paint back by a round trip or more,
    and the whole CSS is about 6 KB gzipped. Built once per mount point (per page in debug mode)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    built: dict[str, Markup] = app.extensions.setdefault("sgoodie.inline_styles", {})
    if request.script_root not in built or app.debug:
        site_css = (Path(app.static_folder) / "site.css").read_text(encoding="utf-8")
        parts = [_RELATIVE_URL.sub(lambda m: f'url("{static_url(m.group(2))}")', site_css)]
        parts += [path.read_text(encoding="utf-8") for path in registry(app).stylesheets]
        # Nothing in the CSS may end the <style> element early ("\/" is "/" in CSS).
        built[request.script_root] = Markup("\n".join(parts).replace("</", "<\\/"))
    return built[request.script_root]


@lru_cache(maxsize=256)
def _static_hash(folder: str, filename: str) -> str:
    try:
        return hashlib.sha256((Path(folder) / filename).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def local_time(value: str | float | int | datetime | None) -> str:
    """A stored time (ISO 8601, naive meaning UTC, or epoch seconds) in the site's time zone,
    "2026-11-25 14:03 WET", for the admin's pages."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(float(value), tz=UTC)
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(time_zone(site_settings_or_default().time_zone))
    return local.strftime("%Y-%m-%d %H:%M %Z")


def format_timestamp(epoch: float | int | None) -> str:
    """Epoch seconds as a time in the site's time zone (admin pages)."""
    if not epoch:
        return ""
    return local_time(float(epoch))
