"""The notification e-mail of a new inquiry, sent through the site's mail setting as background
work (`send_mail_later`): the visitor's request never waits for a mail server, and a
failure is retried, then logged, never lost data (the inquiry is stored before anyone sends)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...plugin_api import one_line

FIELDS = (
    ("Name", "name"),
    ("E-mail", "email"),
    ("Phone", "phone"),
    ("Project type", "project_type_label"),
    ("Budget", "budget_label"),
    ("Dates", "dates"),
    ("About project", "project_title"),
)


def subject(inquiry: Mapping[str, Any]) -> str:
    kind = f" ({inquiry['project_type_label']})" if inquiry.get("project_type_label") else ""
    return f"New inquiry from {inquiry['name']}{kind}"


def text(inquiry: Mapping[str, Any], *, business: str, admin_url: str) -> str:
    """The notification's text. Every one-line field goes through `one_line`: a name typed with a
    line break still reads on one line (`send_mail` does the same for the headers)."""
    lines = [f"A new inquiry arrived on {one_line(business)}'s site.", ""]
    lines += [f"{label}: {one_line(inquiry[key])}" for label, key in FIELDS if inquiry.get(key)]
    lines += ["", inquiry["message"], "", f"Read it in the admin: {admin_url}"]
    return "\n".join(lines)
