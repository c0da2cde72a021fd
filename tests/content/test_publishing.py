"""Scheduled publishing: a project set to go live a few seconds ahead appears on its category
page (and in the sitemap) by itself, on both backends, and a restart loses nothing. No timed
assertions: each test waits for the page with a generous deadline."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sgoodie import content, create_app
from sgoodie.domain import ValidationError, to_utc
from sgoodie.services import services
from tests.admin.test_revisions import ABOUT

DEADLINE = 90  # seconds: generous, the runner ticks every second here


def _in(seconds: float) -> str:
    return to_utc(datetime.now(UTC) + timedelta(seconds=seconds), "UTC")


def _wait_for(client, path: str, text: str, present: bool = True) -> None:
    deadline = time.monotonic() + DEADLINE
    while (text in client.get(path).get_data(as_text=True)) != present:
        assert time.monotonic() < deadline, (
            f"{text!r} {'never appeared on' if present else 'stayed on'} {path}"
        )
        time.sleep(0.5)


def _with_runner(instance: str):
    """An app process on `instance` whose runner ticks every second (a "restart" of the site)."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "test-secret",
            "BACKGROUND_RUNNER": True,
            "SCHEDULE_TICK": 1,
        }
    )


def _schedule(app, portfolio, title: str, **times: str):
    draft = portfolio.project(title, "travel", published=False, photos=2)
    with app.test_request_context():
        current = services().store.get_project(draft.id)
        return content.projects.save(replace(current, **times), previous=current)


def test_a_project_scheduled_5_seconds_ahead_goes_live_by_itself_after_a_restart(app, portfolio, tmp_path):
    project = _schedule(app, portfolio, "Night Ferry", publish_at=_in(5))
    visitor = app.test_client()
    assert "Night Ferry" not in visitor.get("/work/travel").get_data(as_text=True)
    assert visitor.get("/work/travel").headers["X-Cache"] == "HIT"  # the old page is cached
    # "Restart": a new app process on the same instance; only its runner knows nothing but the store.
    restarted = _with_runner(app.config["INSTANCE_PATH"])
    client = restarted.test_client()
    _wait_for(client, "/work/travel", "Night Ferry")
    assert "/projects/night-ferry" in client.get("/sitemap-travel-0.xml").get_data(as_text=True)
    with restarted.app_context():
        live = services().store.get_project(project.id)
        assert live.published and live.publish_at == "" and live.published_at
        assert content.revisions.store().history("project", project.id)[0].note == "Scheduled to publish"


def test_a_project_scheduled_to_unpublish_leaves_by_itself(portfolio, tmp_path):
    app = _with_runner(str(tmp_path / "instance"))
    with app.app_context():
        services().store.init_schema()
    portfolio.app = app
    live = portfolio.project("Last Light", "travel", photos=1)
    with app.test_request_context():
        current = services().store.get_project(live.id)
        content.projects.save(replace(current, unpublish_at=_in(3)), previous=current)
    client = app.test_client()
    assert "Last Light" in client.get("/work/travel").get_data(as_text=True)
    _wait_for(client, "/work/travel", "Last Light", present=False)
    assert client.get("/projects/last-light").status_code == 404


def test_the_admin_shows_scheduled_projects_in_the_site_time_zone(app, client, admin, portfolio):
    from tests.admin.test_projects import _form, _version

    project = portfolio.project("Dawn", "travel", published=False)
    url = f"/admin/projects/{project.id}"
    version = _version(client, project.id)
    form = _form(title="Dawn", slug="dawn", category="travel", publish_at="2999-06-01T09:30", version=version)
    with app.test_request_context():
        settings = services().site_settings()
        content.settings.save(
            replace(settings, time_zone="Europe/Lisbon"), services().store.get_pages(["site"])["site"]
        )
    assert admin.post(url, form).status_code == 302
    with app.app_context():
        assert (
            services().store.get_project(project.id).publish_at == "2999-06-01T08:30:00.000Z"
        )  # summer time
    listing = client.get("/admin/projects/?category=travel").get_data(as_text=True)
    assert "Scheduled to publish" in listing and "2999-06-01 09:30" in listing
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Dawn</a> goes live" in dashboard
    assert 'value="2999-06-01T09:30:00"' in client.get(url).get_data(as_text=True)
    past = admin.post(url, dict(form, publish_at="2001-01-01T10:00", version=str(int(version) + 1)))
    assert past.status_code == 400 and "That time has passed" in past.get_data(as_text=True)


def test_a_schedule_that_cannot_publish_is_dropped_and_says_why(app, portfolio):
    project = _schedule(app, portfolio, "No Alt", publish_at=_in(60))
    with app.test_request_context():
        store = services().store
        photo = store.photos_for_project(project.id)[0]
        store.update_photo(replace(photo, alt_text=""))
        assert content.publishing.run_due(now=_in(120)) == 0
        assert store.get_project(project.id).publish_at == "" and not store.get_project(project.id).published
        assert "Could not publish “No Alt” as scheduled" in content.activity.recent()[0]["what"]
    with app.test_request_context(), pytest.raises(ValidationError):
        current = services().store.get_project(project.id)
        content.projects.save(replace(current, publish_at=_in(60), unpublish_at=_in(30)), previous=current)


# -- the AWS backend: Celery beat + worker, DynamoDB and S3 on a moto server, Redis ----------------
@pytest.mark.slow
def test_a_project_scheduled_5_seconds_ahead_goes_live_by_itself_on_aws(aws_app, worker, tmp_path):
    from tests.conftest import Portfolio

    worker("--beat", "--schedule", str(tmp_path / "beat-schedule"), env={"SGOODIE_SCHEDULE_TICK": "1"})
    project = _schedule(aws_app, Portfolio(aws_app), "Harbour at Dusk", publish_at=_in(5))
    visitor = aws_app.test_client()
    assert "Harbour at Dusk" not in visitor.get("/work/travel").get_data(as_text=True)
    assert visitor.get("/work/travel").headers["X-Cache"] == "HIT"  # cached in Redis
    _wait_for(visitor, "/work/travel", "Harbour at Dusk")
    assert "/projects/harbour-at-dusk" in visitor.get("/sitemap-travel-0.xml").get_data(as_text=True)
    with aws_app.app_context():
        assert services().store.get_project(project.id).published


def test_a_page_change_scheduled_ahead_goes_live_by_itself(app, client, admin):
    from tests.admin.test_pages import _version

    url = "/admin/pages/about"
    about = ABOUT
    assert admin.post(url, dict(about, bio="Today's bio.", version=_version(client, url))).status_code == 302
    soon = (datetime.now(UTC) + timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%S")
    response = admin.post(
        url, dict(about, bio="Tomorrow's bio.", publish_at=soon, version=_version(client, url))
    )
    assert response.status_code == 302
    assert "Scheduled: these changes" in client.get(url).get_data(as_text=True)
    form = client.get(url).get_data(as_text=True)
    assert "A change is scheduled" in form and "<ins>Tomorrow</ins>" in form
    assert "Change scheduled" in client.get("/admin/pages/").get_data(as_text=True)
    assert "A change to the" in client.get("/admin/").get_data(as_text=True)
    visitor = app.test_client()
    assert "Today's bio." in visitor.get("/about").get_data(as_text=True)  # until its time

    past = admin.post(
        url, dict(about, bio="Never.", publish_at="2001-01-01T10:00", version=_version(client, url))
    )
    assert past.status_code == 400 and "That time has passed" in past.get_data(as_text=True)

    restarted = _with_runner(app.config["INSTANCE_PATH"])
    _wait_for(restarted.test_client(), "/about", "Tomorrow&#39;s bio.")
    assert "A change is scheduled" not in client.get(url).get_data(as_text=True)
    with app.app_context():
        assert (
            content.revisions.store().history("page", "about")[0].note
            == "Scheduled change by photographer@example.com"
        )


def test_a_cancelled_page_change_never_happens(app, client, admin):
    from tests.admin.test_pages import _version

    url = "/admin/pages/about"
    about = ABOUT
    admin.post(url, dict(about, bio="Now.", version=_version(client, url)))
    later = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S")
    admin.post(url, dict(about, bio="Later.", publish_at=later, version=_version(client, url)))
    admin.post("/admin/pages/about/scheduled/cancel")
    with app.test_request_context():
        assert content.publishing.run_due(now=_in(60)) == 0
        assert services().store.get_pages(["about"])["about"].content["bio"] == "Now."
