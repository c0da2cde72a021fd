"""Contact (built-in plugin): the inquiry form on /contact and under every project, with spam
defences that need no third-party service, inquiries kept in the content store and handled in
the admin (read, archive, CSV export), and an optional notification e-mail (SMTP or Amazon SES).

Settings (environment):
  SGOODIE_CONTACT_NOTIFY   where notifications go out: empty (off), `ses`, or an SMTP URL such as
                           `smtp://localhost:1025`, `smtp+starttls://user:password@smtp.example.com:587`
                           or `smtps://user:password@smtp.example.com:465`
  SGOODIE_CONTACT_FROM     the sender address of notifications (required when NOTIFY is set)
The recipient is the site settings' contact e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...plugin_api import Plugin, Setting
from . import mail

plugin = Plugin(
    "contact",
    version="1.0.0",
    description="Inquiry form on /contact and under projects; inquiries in the admin; optional e-mail notifications.",
    template_folder=str(Path(__file__).parent / "templates"),
    cache_tags={
        "contact": ["/contact/thanks"]
    },  # the only contact page cached (the form needs fresh timestamps)
)


def _validate(config: Mapping[str, Any]) -> None:
    mail.parse_transport(config["CONTACT_NOTIFY"])  # raises ValueError with a readable message
    if config["CONTACT_NOTIFY"] and not config["CONTACT_FROM"]:
        raise ValueError("SGOODIE_CONTACT_FROM must be set when SGOODIE_CONTACT_NOTIFY is")


plugin.add_settings(
    Setting(
        "SGOODIE_CONTACT_NOTIFY",
        "CONTACT_NOTIFY",
        "",
        "Contact plugin: send a notification per inquiry: empty (off), `ses`, or an SMTP URL (`smtp://host:port`, `smtp+starttls://user:pass@host:587`, `smtps://…`).",
    ),
    Setting(
        "SGOODIE_CONTACT_FROM",
        "CONTACT_FROM",
        "",
        "Contact plugin: sender address of the notification e-mails.",
    ),
    validate=_validate,
)

from . import admin, views  # noqa: E402,F401  (register the routes, slots and signal handlers)
