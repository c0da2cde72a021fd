"""Notification e-mails for new inquiries, by SMTP or Amazon SES (the site's mail sending, from
the plugin API). Sent on a background thread: the visitor's request never waits for a mail server,
and a failure is logged, never lost data (the inquiry is stored before anyone tries to send)."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from ...plugin_api import MailTransport, one_line, send_mail
from ...plugin_api import parse_mail_transport as _parse


def compose(
    inquiry: Mapping[str, Any], *, sender: str, recipient: str, business: str, admin_url: str
) -> EmailMessage:
    """The notification. Every header value, and every one-line field in the text, goes through
    `one_line`: a name typed with a line break still arrives, on one line."""
    message = EmailMessage()
    message["Subject"] = one_line(
        f"New inquiry from {inquiry['name']}"
        + (f" ({inquiry['project_type_label']})" if inquiry.get("project_type_label") else "")
    )
    message["From"] = one_line(sender)
    message["To"] = one_line(recipient)
    message["Reply-To"] = one_line(inquiry["email"])
    lines = [f"A new inquiry arrived on {one_line(business)}'s site.", ""]
    for label, key in (
        ("Name", "name"),
        ("E-mail", "email"),
        ("Phone", "phone"),
        ("Project type", "project_type_label"),
        ("Budget", "budget_label"),
        ("Dates", "dates"),
        ("About project", "project_title"),
    ):
        if inquiry.get(key):
            lines.append(f"{label}: {one_line(inquiry[key])}")
    lines += ["", inquiry["message"], "", f"Read it in the admin: {admin_url}"]
    message.set_content("\n".join(lines))
    return message


def parse_transport(value: str) -> MailTransport | None:
    return _parse(value, "SGOODIE_CONTACT_NOTIFY")


def send_in_background(transport: MailTransport, message: EmailMessage, **options: str):
    return send_mail(transport, message, what="inquiry notification", **options)
