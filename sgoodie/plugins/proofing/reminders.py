"""Expiry reminders: a client gallery with a last day e-mails its clients (those who gave their
e-mail to choose) a few days before it closes, once per last day (extending it to a new day sends
a new reminder when that one nears). Off while the site sends no mail (`SGOODIE_MAIL`).

The plugin keeps its own list of galleries with a last day (`reminders`, one record per gallery,
kept in step by `project_saved`), so the periodic check reads that short list and never the
site's projects. Several processes run periodic work: a claim (an atomic increment) makes each
reminder go out once.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from ...plugin_api import (
    Project,
    current_settings,
    current_store,
    external_url,
    gallery_today,
    mail_enabled,
    one_line,
    send_mail,
    signals,
)
from . import records
from .plugin import plugin

REMIND_DAYS = 3  # before the last day
CLAIM_SECONDS = 400 * 24 * 3600


REMINDERS = plugin.storage("reminders")  # declared at import: `sgoodie export` carries them
REMINDER_CLAIMS = plugin.storage("reminder-claims")


def reminders():
    return REMINDERS


@plugin.on(signals.project_saved)
def track(app, project: Project, **_: Any) -> None:
    """Keep the list of client galleries with a last day in step with the project."""
    if project.is_private and project.published and project.gallery_expires_on:
        reminders().put(project.id, {"expires_on": project.gallery_expires_on})
    else:
        reminders().delete(project.id)


@plugin.on(signals.project_deleted)
def forget(app, project: Project, **_: Any) -> None:
    reminders().delete(project.id)


@plugin.periodic
def remind() -> int:
    """E-mail the clients of every gallery whose last day is within REMIND_DAYS; returns how many
    e-mails the mail server accepted."""
    if not mail_enabled():
        return 0
    today = date.fromisoformat(gallery_today())
    sent = 0
    for project_id, data in reminders().all():
        last_day = date.fromisoformat(data["expires_on"])
        if not today <= last_day <= today + timedelta(days=REMIND_DAYS):
            continue
        claim = f"{project_id}#{data['expires_on']}"
        claims = REMINDER_CLAIMS
        if claims.increment(claim, "count", expires_at=int(time.time()) + CLAIM_SECONDS) != 1:
            continue  # this last day's reminder went out already (from here or another process)
        project = current_store().get_project(project_id)
        if project is None or not project.is_private:
            continue
        for client in records.gallery_clients(project.id):
            sent += _remind(project, client)
    return sent


def _remind(project: Project, client: dict[str, Any]) -> bool:
    """The client's reminder, answered to the photographer; True when it was accepted."""
    day = date.fromisoformat(project.gallery_expires_on)
    return send_mail(
        client["email"],
        f"“{project.title}” closes on {day.day} {day:%B}",
        _text(project, client, day),
        reply_to=current_settings().contact_email,
        what="gallery expiry reminder",
    )


def _text(project: Project, client: dict[str, Any], day: date) -> str:
    settings = current_settings()
    lines = [
        f"Hello {one_line(client['name'])},",
        "",
        f"Your gallery “{project.title}” from {settings.business_name} is open until "
        f"{day.day} {day:%B %Y}. If you still want to choose or download photographs, now is the time:",
        "",
        external_url("public.project", slug=project.slug),
    ]
    if not client["submitted_at"]:
        lines += ["", "You have not sent your selection yet."]
    return "\n".join(lines)
