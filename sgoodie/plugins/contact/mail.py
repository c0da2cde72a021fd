"""The notification e-mail of a new inquiry, sent through the site's mail setting as background
work (`send_mail_later`): the visitor's request never waits for a mail server, and a
failure is retried, then logged, never lost data (the inquiry is stored before anyone sends).
And the photographer's reply from the admin: its text with the message quoted, and the headers
that thread it."""

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


# -- the photographer's reply, sent from the inquiry in the admin -------------------------------
REPLY_SUBJECT_MAX = 200
REPLY_TEXT_MAX = 10_000
REPLIES_MAX = 50  # per inquiry: the thread stays one small record


def reply_subject(business: str) -> str:
    return f"Re: your inquiry to {one_line(business)}"


def quoted(inquiry: Mapping[str, Any], received: str) -> str:
    """The visitor's message as a reply quotes it, under who wrote it and when (`received`, in
    the site's time zone)."""
    lines = inquiry["message"].splitlines() or [""]
    header = f"On {received}, {one_line(inquiry['name'])} <{one_line(inquiry['email'])}> wrote:"
    return "\n".join([header, *(f"> {line}".rstrip() for line in lines)])


def reply_text(text: str, inquiry: Mapping[str, Any], received: str) -> str:
    """The reply's body: the photographer's text, then the message it answers, quoted."""
    return f"{text.rstrip()}\n\n{quoted(inquiry, received)}\n"


def thread_headers(inquiry: Mapping[str, Any]) -> dict[str, str]:
    """In-Reply-To and References, so the visitor's mail program shows the replies as one
    thread: the inquiry's own Message-ID when it has one (an inquiry that arrived by e-mail), and
    those of the replies that went out before this one."""
    ids = [inquiry.get("message_id", "")] + [
        reply.get("message_id", "") for reply in inquiry.get("replies", []) if reply.get("status") == "sent"
    ]
    ids = [message_id for message_id in ids if message_id]
    return {"In-Reply-To": ids[-1], "References": " ".join(ids)} if ids else {}
