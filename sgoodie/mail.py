"""The site's e-mail, by SMTP or Amazon SES, from its one mail setting (`SGOODIE_MAIL`, the
transport, and `SGOODIE_MAIL_FROM`, the sender): the contact plugin's inquiries, the proofing
plugin's selections and reminders, any plugin's mail, through the plugin API's `send_mail`.

`send` delivers at once and says whether the server accepted the message; callers that serve a
visitor run it as background work (a plugin task), so nobody waits for a mail server. A failure is
logged, never lost data: what a mail is about is stored before anyone tries to send it.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

from .config import ConfigError

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
        shown = re.sub(r":[^:@]*@", ":***@", value)  # the log keeps no password
        raise ValueError(
            f"{setting}={shown!r}: use `ses` or an smtp://, smtp+starttls:// or smtps:// URL with a host"
        )
    return Transport(
        parts.scheme,
        parts.hostname,
        parts.port or SMTP_SCHEMES[parts.scheme],
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


def deliver(
    transport: Transport, message: EmailMessage, *, region: str = "", endpoint_url: str = ""
) -> dict[str, object]:
    """Hand the message over; returns the recipients the server refused (SMTP's answer)."""
    if transport.kind == "ses":
        import boto3

        client = boto3.client("ses", region_name=region or None, endpoint_url=endpoint_url or None)
        recipients = [address.strip() for address in message["To"].split(",")]
        client.send_raw_email(
            Source=message["From"], Destinations=recipients, RawMessage={"Data": message.as_bytes()}
        )
        return {}
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if transport.kind == "smtps" else smtplib.SMTP
    options = {"context": context} if transport.kind == "smtps" else {}
    with smtp_class(transport.host, transport.port, timeout=15, **options) as smtp:
        if transport.kind == "smtp+starttls":
            smtp.starttls(context=context)
        if transport.username:
            smtp.login(transport.username, transport.password)
        return smtp.send_message(message)


SEND_JOB = "mail.send"  # the job kind behind the plugin API's `send_mail_later`


class NotAccepted(Exception):
    """A queued mail the server did not accept: raised so that the job runner tries again."""


# Headers `send` writes itself from its arguments: passing them as extra headers is a mistake.
OWN_HEADERS = {
    "from",
    "to",
    "subject",
    "reply-to",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
}


@dataclass(frozen=True)
class Mailer:
    """The site's mail setting, read once when the app starts. No transport: mail is off."""

    transport: Transport | None
    sender: str = ""
    region: str = ""
    endpoint_url: str = ""


def init_app(app: Flask) -> Mailer:
    """Read the mail setting; a bad one stops the start with a message naming the variable."""
    value = app.config.get("MAIL") or ""
    try:
        transport = parse_transport(value, "SGOODIE_MAIL")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if transport is not None and not app.config.get("MAIL_FROM"):
        raise ConfigError(
            "SGOODIE_MAIL_FROM must be set when SGOODIE_MAIL is (the sender of the site's e-mails)"
        )
    mailer = Mailer(
        transport,
        app.config.get("MAIL_FROM", ""),
        app.config.get("AWS_REGION", ""),
        app.config.get("AWS_ENDPOINT_URL", ""),
    )
    app.extensions["sgoodie.mail"] = mailer
    return mailer


def mailer() -> Mailer:
    return current_app.extensions["sgoodie.mail"]


def compose(
    sender: str,
    to: str | Sequence[str],
    subject: str,
    text: str,
    *,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    html: str = "",
) -> EmailMessage:
    """The message: every header value on one line (a visitor's line break cannot start a header
    of its own), the text, and the HTML as its alternative when given."""
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    message["From"] = one_line(sender)
    message["To"] = ", ".join(one_line(address) for address in ([to] if isinstance(to, str) else to))
    if reply_to:
        message["Reply-To"] = one_line(reply_to)
    for name, value in (headers or {}).items():
        if name.lower() in OWN_HEADERS or not re.fullmatch(r"[A-Za-z0-9-]+", name):
            raise ValueError(
                f"{name!r} cannot be an extra header (subject, addresses: pass them as arguments)"
            )
        message[name] = one_line(value)
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


@dataclass(frozen=True)
class Delivery:
    """What became of one message: `accepted` by the server (or SES), else the `reason` in words
    a photographer can read; `message_id`, the Message-ID it carried (to thread the next reply)."""

    accepted: bool
    reason: str = ""
    message_id: str = ""


def deliver_mail(
    to: str | Sequence[str],
    subject: str,
    text: str,
    *,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    html: str = "",
    what: str = "e-mail",
) -> Delivery:
    """`send`, saying why a message was not accepted (the plugin API's `deliver_mail`: for mail
    the photographer sends from the admin and sees the outcome of)."""
    setting = mailer()
    if setting.transport is None:
        log.info("%s not sent: the site has no mail setting (SGOODIE_MAIL)", what)
        return Delivery(False, "The site sends no e-mail: SGOODIE_MAIL is not set.")
    message = compose(setting.sender, to, subject, text, reply_to=reply_to, headers=headers, html=html)
    message_id = str(message["Message-ID"])
    try:
        refused = deliver(
            setting.transport, message, region=setting.region, endpoint_url=setting.endpoint_url
        )
    except Exception as exc:  # what it is about is stored; the photographer sees it in the admin
        log.error("%s to %s via %s failed: %s", what, message["To"], setting.transport.kind, exc)
        return Delivery(False, _in_words(exc, setting.transport.kind), message_id)
    if refused:
        log.error("%s via %s: refused for %s", what, setting.transport.kind, ", ".join(sorted(refused)))
        return Delivery(False, f"The mail server refused {', '.join(sorted(refused))}.", message_id)
    log.info("%s sent to %s via %s", what, message["To"], setting.transport.kind)
    return Delivery(True, "", message_id)


def _in_words(exc: Exception, kind: str) -> str:
    """Why a delivery failed, for the admin: the server unreachable, or what it answered."""
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        return f"The mail server ({kind}) could not be reached: {exc.strerror or exc}."
    return f"The mail server ({kind}) did not take it: {exc}."


def send(*args: Any, **kwargs: Any) -> bool:
    """Send an e-mail from the site's sender (`SGOODIE_MAIL_FROM`) through its one mail setting,
    now (the plugin API's `send_mail`, with `deliver_mail`'s arguments); True when the mail server
    (or SES) accepted it for every recipient. False when mail is off or it failed (logged with
    `what` it was; `deliver_mail` says why). `headers` adds headers such as `Message-ID`,
    `In-Reply-To` and `References` (to thread replies); `html` adds an HTML part beside the text.
    It waits for the mail server: from a visitor's request, use `send_mail_later`."""
    return deliver_mail(*args, **kwargs).accepted


def send_queued(**message: object) -> None:
    """The `mail.send` job: `send`, retried (by raising) while mail is on and not accepted."""
    if not send(**message) and mailer().transport is not None:  # type: ignore[arg-type]
        raise NotAccepted(f"{message.get('what', 'e-mail')} to {message.get('to')} was not accepted")
