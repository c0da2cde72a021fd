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

from . import admin, views  # noqa: F401  (register the routes, slots and signal handlers)
from .plugin import plugin

__all__ = ["plugin"]
