"""The site's time zone: asked once on the dashboard until the site chooses (the browser's zone
proposed), the same real zones in the prompt and the settings form, common ones first."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

from sgoodie import content
from sgoodie.admin import time_zones
from sgoodie.domain import Page, SiteSettings
from sgoodie.services import services
from tests.conftest import moved_through_archive

SHOTS = os.environ.get("SGOODIE_SCREENSHOTS", "")  # a folder to keep screenshots in, when set
PROMPT = "data-zone-prompt"
TIME_ZONE_UNCHOSEN = "Not chosen yet (times show in UTC)"
LEFT_OUT = ("Factory", "localtime", "posixrules", "Etc/GMT+5", "US/Pacific", "Asia/Calcutta", "EST5EDT")


def _settings(app) -> SiteSettings:
    with app.test_request_context():
        return SiteSettings.from_page(services().store.get_pages(["site"])["site"])


def _options(html: str, select: str = "time_zone") -> list[tuple[str, str, str]]:
    """The select's options in order: (group, value, label)."""
    body = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.S).group(1)
    found, group = [], ""
    for tag in re.finditer(r'<optgroup label="([^"]*)">|<option([^>]*)>([^<]*)</option>', body):
        if tag.group(1) is not None:
            group = tag.group(1)
        else:
            found.append((group, re.search(r'value="([^"]*)"', tag.group(2)).group(1), tag.group(3)))
    return found


def _selected(html: str, select: str = "time_zone") -> list[str]:
    body = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option selected value="([^"]*)"', body)


def test_the_picker_lists_real_zones_only_with_the_common_ones_first():
    january = datetime(2027, 1, 15, 12, tzinfo=UTC)
    groups = time_zones.grouped_choices(january)
    assert list(groups)[:2] == ["Common", "Africa"]
    common = groups["Common"]
    assert common[0] == ("UTC", "(UTC+00:00) UTC") and 20 <= len(common) <= 30
    assert ("America/Los_Angeles", "(UTC−08:00) Los Angeles") in common
    assert ("Asia/Kolkata", "(UTC+05:30) Kolkata") in common
    offsets = [label[:11] for _, label in common[1:]]  # west to east
    assert offsets[0] == "(UTC−10:00)" and offsets[-1] == "(UTC+13:00)"
    listed = {value for options in groups.values() for value, _ in options}
    assert {"Europe/Lisbon", "America/Argentina/Buenos_Aires", "Asia/Tokyo", "UTC"} <= listed
    assert not listed & set(LEFT_OUT)
    assert 350 < len(listed) < 450  # not the ~600 names zoneinfo knows
    assert ("America/Indiana/Indianapolis", "(UTC−05:00) Indianapolis, Indiana") in groups["America"]


def test_renamed_and_old_names_lead_to_their_listed_zone():
    assert time_zones.aliases()["Asia/Calcutta"] == "Asia/Kolkata"  # what Chromium reports in India
    assert time_zones.listed_name("US/Pacific") == "America/Los_Angeles"
    assert time_zones.listed_name("Etc/UTC") == time_zones.listed_name("Etc/Universal") == "UTC"
    assert time_zones.listed_name("Europe/Lisbon") == "Europe/Lisbon"
    assert time_zones.listed_name("EST5EDT") == "EST5EDT"  # no listed zone: left as it is


def test_without_the_database_tables_the_shape_alone_decides(monkeypatch):
    """A machine whose zone files come without `zone.tab` and `tzdata.zi`: still no Factory,
    localtime, Etc/… or country names; renamed cities may show, and no old name is translated."""
    monkeypatch.setattr(time_zones, "_database_file", lambda name: None)
    time_zones.real_zones.cache_clear()
    time_zones.aliases.cache_clear()
    try:
        zones = time_zones.real_zones()
        assert {"UTC", "Europe/Lisbon", "America/Argentina/Buenos_Aires"} <= zones
        assert not zones & {"Factory", "localtime", "posixrules", "Etc/GMT+5", "US/Pacific", "EST5EDT"}
        assert time_zones.aliases() == {}
    finally:  # the next caller reads the real tables again
        time_zones.real_zones.cache_clear()
        time_zones.aliases.cache_clear()


def test_a_new_site_is_asked_on_the_dashboard_with_utc_selected(app, admin):
    html = admin.client.get("/admin/").get_data(as_text=True)
    assert PROMPT in html and "Which time zone is the business in?" in html
    assert html.index(PROMPT) < html.index('class="stats"')  # at the top, before the figures
    options = _options(html)
    assert options[0] == ("Common", "UTC", "(UTC+00:00) UTC")
    assert _selected(html) == ["UTC"]  # without JavaScript: UTC until the browser's zone is put in
    assert not {value for _, value, _ in options} & set(LEFT_OUT)
    assert '"Asia/Calcutta": "Asia/Kolkata"' in html.replace("&#34;", '"')  # for the browser's zone
    assert ">Use this time zone<" not in html and 'value="Use this time zone"' in html
    assert 'value="Keep UTC"' in html
    assert _settings(app).time_zone_chosen is False


def test_using_a_zone_saves_it_like_the_settings_form_and_the_dashboard_shows_local_times(app, admin):
    with app.test_request_context():
        content.activity.record("Wrote the about page")
    before = admin.client.get("/admin/").get_data(as_text=True)
    assert re.search(r"<time[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>", before)
    response = admin.post("/admin/time-zone", {"time_zone": "Asia/Tokyo", "use": "Use this time zone"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    settings = _settings(app)
    assert (settings.time_zone, settings.time_zone_chosen) == ("Asia/Tokyo", True)
    html = admin.client.get("/admin/").get_data(as_text=True)
    assert PROMPT not in html
    assert "Saved: times show in Tokyo time." in html
    assert re.search(r"<time[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d JST</time>", html)
    assert "Edited the site settings" in html  # recorded as every settings change is
    history = admin.client.get("/admin/history/settings/site").get_data(as_text=True)
    assert "Asia/Tokyo" in history and "Time zone chosen on the dashboard" in history


def test_keep_utc_records_the_choice_and_the_question_is_not_asked_again(app, admin):
    response = admin.post("/admin/time-zone", {"time_zone": "Asia/Tokyo", "keep_utc": "Keep UTC"})
    assert response.status_code == 302
    settings = _settings(app)
    assert (settings.time_zone, settings.time_zone_chosen) == ("UTC", True)
    html = admin.client.get("/admin/").get_data(as_text=True)
    assert PROMPT not in html and "Saved: times stay in UTC." in html
    admin.logout()
    admin.login()
    assert PROMPT not in admin.client.get("/admin/").get_data(as_text=True)  # nor at the next sign-in


def test_the_answer_needs_a_listed_zone_and_its_csrf_token(app, admin):
    refused = admin.post("/admin/time-zone", {"time_zone": "Factory", "use": "Use this time zone"})
    assert refused.status_code == 302
    assert "Choose a time zone from the list." in admin.client.get("/admin/").get_data(as_text=True)
    forged = admin.client.post("/admin/time-zone", data={"time_zone": "Asia/Tokyo", "use": "1"})
    assert forged.status_code == 400
    assert _settings(app).time_zone_chosen is False


def test_a_site_that_saved_its_settings_before_the_question_keeps_utc_unasked(app, admin):
    """Decided: a site whose settings were saved before the question existed chose its zone in
    the settings form, UTC included; it is not asked."""
    with app.test_request_context():
        services().store.save_page(Page("site", content={"business_name": "Old Site", "time_zone": "UTC"}))
    html = admin.client.get("/admin/").get_data(as_text=True)
    assert PROMPT not in html
    form = admin.client.get("/admin/settings").get_data(as_text=True)
    assert _selected(form) == ["UTC"] and TIME_ZONE_UNCHOSEN not in form


def _settings_form(**changes) -> dict:
    values = {"business_name": "S.Goodie Photography", "currency": "USD", "quality_preset": "balanced"}
    values.update({"jpeg_quality": "82", "jpeg_subsampling": "4:2:0", "webp_quality": "80"})
    values.update({"avif_quality": "60", "version": "0"})
    return {**values, **changes}


def test_the_settings_form_offers_not_chosen_until_a_zone_is_chosen(app, admin):
    form = admin.client.get("/admin/settings").get_data(as_text=True)
    options = _options(form)
    assert options[0] == ("", "", TIME_ZONE_UNCHOSEN) and options[1][0] == "Common"
    assert _selected(form) == [""] and not {value for _, value, _ in options} & set(LEFT_OUT)
    # Saving other settings leaves the zone unchosen: the dashboard still asks.
    assert admin.post("/admin/settings", _settings_form(time_zone="", tagline="Hi")).status_code == 302
    assert (_settings(app).tagline, _settings(app).time_zone_chosen) == ("Hi", False)
    assert PROMPT in admin.client.get("/admin/").get_data(as_text=True)
    for refused in LEFT_OUT[:2]:
        response = admin.post("/admin/settings", _settings_form(time_zone=refused, version="1"))
        assert response.status_code == 400, refused
    saved = admin.post("/admin/settings", _settings_form(time_zone="Europe/Lisbon", version="1"))
    assert saved.status_code == 302
    assert (_settings(app).time_zone, _settings(app).time_zone_chosen) == ("Europe/Lisbon", True)
    assert PROMPT not in admin.client.get("/admin/").get_data(as_text=True)
    form = admin.client.get("/admin/settings").get_data(as_text=True)
    assert TIME_ZONE_UNCHOSEN not in form
    assert _selected(form) == ["Europe/Lisbon"]  # once, though Lisbon is in two groups
    assert sum(value == "Europe/Lisbon" for _, value, _ in _options(form)) == 2


def test_a_zone_saved_under_an_old_name_shows_as_its_listed_zone_or_stays_a_choice(app, admin):
    with app.test_request_context():
        page = services().store.save_page(Page("site", content={"time_zone": "US/Pacific"}))
    form = admin.client.get("/admin/settings").get_data(as_text=True)
    assert _selected(form) == ["America/Los_Angeles"]
    with app.test_request_context():
        services().store.save_page(Page("site", content={"time_zone": "EST5EDT"}, version=page.version))
    form = admin.client.get("/admin/settings").get_data(as_text=True)
    assert ("Saved", "EST5EDT", "EST5EDT") in _options(form) and _selected(form) == ["EST5EDT"]
    kept = admin.post("/admin/settings", _settings_form(time_zone="EST5EDT", version="2"))
    assert kept.status_code == 302 and _settings(app).time_zone == "EST5EDT"


def test_the_choice_travels_in_an_archive(app, admin, tmp_path):
    admin.post("/admin/time-zone", {"time_zone": "Asia/Tokyo", "use": "Use this time zone"})
    target = moved_through_archive(app, tmp_path)
    settings = _settings(target)
    assert (settings.time_zone, settings.time_zone_chosen) == ("Asia/Tokyo", True)


def _signed_in(browser, live_server, zone: str, **viewport):
    """A Chromium page in `zone`, signed in, on the dashboard (page errors are collected)."""
    context = browser.new_context(timezone_id=zone, **viewport)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(live_server.url + "/admin/login")
    page.fill("input[name=email]", "photographer@example.com")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return context, page


def _shot(page, folder, name):
    page.screenshot(path=os.path.join(SHOTS or str(folder), name), full_page=True)


def test_the_browser_zone_is_proposed_and_one_click_saves_it(app, browser, live_server, admin_user, tmp_path):
    from playwright.sync_api import expect

    context, page = _signed_in(
        browser, live_server, "America/Los_Angeles", viewport={"width": 1280, "height": 900}
    )
    picker = page.locator("[data-zone-prompt] select[name=time_zone]")
    expect(picker).to_have_value("America/Los_Angeles")
    expect(page.locator("[data-browser-zone-note]")).to_be_visible()
    _shot(page, tmp_path, "time-zone-prompt-desktop.png")
    page.click("text=Use this time zone")
    expect(page.locator(".flash")).to_contain_text("Saved: times show in Los Angeles time.")
    expect(page.locator("[data-zone-prompt]")).to_have_count(0)
    settings = _settings(app)
    assert (settings.time_zone, settings.time_zone_chosen) == ("America/Los_Angeles", True)
    expect(page.locator(".activity time").first).to_contain_text(re.compile(r"P[SD]T$"))
    page.goto(live_server.url + "/admin/settings")
    expect(page.locator("select[name=time_zone]")).to_have_value("America/Los_Angeles")
    _shot(page, tmp_path, "time-zone-settings-desktop.png")
    assert page.errors == []
    context.close()


def test_on_a_phone_the_prompt_fits_and_a_renamed_browser_zone_finds_its_listed_one(
    app, browser, live_server, admin_user, tmp_path
):
    """Chromium reports India's zone as "Asia/Calcutta"; the list has it as Asia/Kolkata."""
    from playwright.sync_api import expect

    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    context, page = _signed_in(browser, live_server, "Asia/Kolkata", **phone)
    expect(page.locator("[data-zone-prompt] select[name=time_zone]")).to_have_value("Asia/Kolkata")
    _shot(page, tmp_path, "time-zone-prompt-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for control in ("select[name=time_zone]", "input[name=use]", "input[name=keep_utc]"):
        box = page.locator(f"[data-zone-prompt] {control}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, control
    page.click("text=Keep UTC")
    expect(page.locator(".flash")).to_contain_text("Saved: times stay in UTC.")
    assert (_settings(app).time_zone, _settings(app).time_zone_chosen) == ("UTC", True)
    page.goto(live_server.url + "/admin/settings")
    expect(page.locator("select[name=time_zone]")).to_have_value("UTC")
    _shot(page, tmp_path, "time-zone-settings-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.errors == []
    context.close()
