"""The proofing plugin's `Plugin` object and its settings; the package imports the modules that
register its routes, slots and jobs on it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...plugin_api import Plugin, Setting, parse_mail_transport

plugin = Plugin(
    "proofing",
    version="1.0.0",
    description="Client galleries: favourites lists, notes, selections for the photographer; single and whole-gallery downloads.",
    template_folder=str(Path(__file__).parent / "templates"),
)


def _validate(config: Mapping[str, Any]) -> None:
    parse_mail_transport(config["PROOFING_NOTIFY"], "SGOODIE_PROOFING_NOTIFY")  # a readable ValueError
    if config["PROOFING_NOTIFY"] and not config["PROOFING_FROM"]:
        raise ValueError("SGOODIE_PROOFING_FROM must be set when SGOODIE_PROOFING_NOTIFY is")


plugin.add_settings(
    Setting(
        "SGOODIE_PROOFING_NOTIFY",
        "PROOFING_NOTIFY",
        "",
        "Proofing plugin: e-mail the contact address when a client sends a selection, and clients three days before their gallery closes: empty (off), `ses`, or an SMTP URL (`smtp://host:port`, `smtp+starttls://user:pass@host:587`, `smtps://…`).",
    ),
    Setting(
        "SGOODIE_PROOFING_FROM", "PROOFING_FROM", "", "Proofing plugin: sender address of those e-mails."
    ),
    validate=_validate,
)
