"""The contact plugin's `Plugin` object and its settings; the package imports the modules that
register its routes, slots and jobs on it."""

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
