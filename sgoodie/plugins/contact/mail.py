"""Notification e-mails for new inquiries, by SMTP or Amazon SES. Sent on a background thread:
the visitor's request never waits for a mail server, and a failure is logged, never lost data
(the inquiry is stored before anyone tries to send)."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger("sgoodie.plugins.contact")
SMTP_SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# Line breaks and other control characters: a header value with them is refused by the email
# package (the notification would be lost) or, worse, would start a header of its own.
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(value: object) -> str:
    """A visitor's text made fit for a header or a one-line field: control characters (CR, LF,
    tabs) become one space."""
    return CONTROL.sub(" ", str(value or "")).strip()


@dataclass(frozen=True)
class Transport:
    kind: str  # smtp | smtp+starttls | smtps | ses
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = ""


def parse_transport(value: str) -> Transport | None:
    if not value:
        return None
    if value == "ses":
        return Transport("ses")
    parts = urlsplit(value)
    if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise ValueError(
            f"SGOODIE_CONTACT_NOTIFY={value!r}: use `ses` or an smtp://, smtp+starttls:// or smtps:// URL with a host"
        )
    return Transport(
        parts.scheme,
        parts.hostname,
        parts.port or SMTP_SCHEMES[parts.scheme],
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


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


def deliver(transport: Transport, message: EmailMessage, *, region: str = "", endpoint_url: str = "") -> None:
    if transport.kind == "ses":
        import boto3

        client = boto3.client("ses", region_name=region or None, endpoint_url=endpoint_url or None)
        client.send_raw_email(
            Source=message["From"], Destinations=[message["To"]], RawMessage={"Data": message.as_bytes()}
        )
        return
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if transport.kind == "smtps" else smtplib.SMTP
    options = {"context": context} if transport.kind == "smtps" else {}
    with smtp_class(transport.host, transport.port, timeout=15, **options) as smtp:
        if transport.kind == "smtp+starttls":
            smtp.starttls(context=context)
        if transport.username:
            smtp.login(transport.username, transport.password)
        smtp.send_message(message)


def send_in_background(transport: Transport, message: EmailMessage, **options: str) -> threading.Thread:
    def run() -> None:
        try:
            deliver(transport, message, **options)
            log.info("inquiry notification sent to %s via %s", message["To"], transport.kind)
        except Exception as exc:  # the inquiry is stored; the photographer sees it in the admin anyway
            log.error("inquiry notification to %s via %s failed: %s", message["To"], transport.kind, exc)

    thread = threading.Thread(target=run, name="sgoodie-contact-mail", daemon=True)
    thread.start()
    return thread
