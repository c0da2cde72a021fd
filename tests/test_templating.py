"""Template helpers: times in the site's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from sgoodie import content
from sgoodie.domain import SiteSettings
from sgoodie.services import services
from sgoodie.templating import format_timestamp, local_time


def _set_zone(name: str) -> None:
    base = services().store.get_pages(["site"])["site"]
    content.settings.save(SiteSettings(time_zone=name, version=base.version), base)


def test_local_time_reads_every_stored_shape_in_the_site_zone(app):
    with app.test_request_context():
        assert local_time("2026-07-01T12:30:00.000Z") == "2026-07-01 12:30 UTC"  # the default
        _set_zone("America/New_York")
    with app.test_request_context():
        assert local_time("2026-07-01T12:30:00.000Z") == "2026-07-01 08:30 EDT"
        assert local_time("2026-12-01T12:30:00+00:00") == "2026-12-01 07:30 EST"
        assert local_time("2026-12-01T12:30:00") == "2026-12-01 07:30 EST"  # naive: UTC
        epoch = datetime(2026, 12, 1, 12, 30, tzinfo=UTC).timestamp()
        assert local_time(epoch) == format_timestamp(epoch) == "2026-12-01 07:30 EST"
        assert local_time("") == "" and format_timestamp(None) == ""
        assert local_time("not a time") == "not a time"


def test_an_unknown_stored_zone_falls_back_to_utc(app):
    with app.test_request_context():
        base = services().store.get_pages(["site"])["site"]
        services().store.save_page(
            SiteSettings(time_zone="Nowhere/Atlantis", version=base.version).to_page(base)
        )
    with app.test_request_context():
        assert local_time("2026-07-01T12:30:00Z") == "2026-07-01 12:30 UTC"


def test_public_pages_carry_the_site_css_inline_with_long_cached_font_addresses(client):
    head = client.get("/").get_data(as_text=True).split("</head>", 1)[0]
    styles = head.split("<style>", 1)[1].split("</style>", 1)[0]
    assert ".site-header" in styles and 'url("fonts/' not in styles
    preloaded = head.split('<link rel="preload" href="', 1)[1].split('"', 1)[0]
    assert preloaded.startswith("/static/fonts/inter-latin-wght-normal.woff2?v=")
    assert f'url("{preloaded.replace("&amp;", "&")}")' in styles  # the same address: fetched once
    font = client.get(preloaded)
    assert font.status_code == 200 and "max-age=31536000" in font.headers["Cache-Control"]
