"""Sending notification e-mails, by SMTP or Amazon SES, for features that notify the
photographer (the contact plugin's inquiries, the proofing plugin's submitted selections).

Sent on a background thread: a visitor's request never waits for a mail server, and a failure is
logged, never lost data (what the mail is about is stored before anyone tries to send it).
Plugins reach this through the plugin API (`parse_mail_transport`, `send_mail`, `one_line`).
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

log = logging.getLogger("sgoodie.mail")
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


def parse_transport(value: str, setting: str = "the mail setting") -> Transport | None:
    """`ses`, an smtp://, smtp+starttls:// or smtps:// URL, or empty (None: no mail). Raises
    ValueError naming `setting` for anything else."""
    if not value:
        return None
    if value == "ses":
        return Transport("ses")
    parts = urlsplit(value)
    if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise ValueError(
            f"{setting}={value!r}: use `ses` or an smtp://, smtp+starttls:// or smtps:// URL with a host"
        )
    return Transport(
        parts.scheme,
        parts.hostname,
        parts.port or SMTP_SCHEMES[parts.scheme],
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


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


def send_in_background(
    transport: Transport, message: EmailMessage, *, what: str = "notification", **options: str
) -> threading.Thread:
    """Deliver on a daemon thread; success and failure are logged with `what` it was."""

    def run() -> None:
        try:
            deliver(transport, message, **options)
            log.info("%s sent to %s via %s", what, message["To"], transport.kind)
        except Exception as exc:  # what it is about is stored; the photographer sees it in the admin
            log.error("%s to %s via %s failed: %s", what, message["To"], transport.kind, exc)

    thread = threading.Thread(target=run, name="sgoodie-mail", daemon=True)
    thread.start()
    return thread
