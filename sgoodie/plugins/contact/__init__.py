"""Contact (built-in plugin): the inquiry form on /contact and under every project, with spam
defences that need no third-party service, inquiries kept in the content store and handled in
the admin (read, archive, CSV export), and a notification e-mail per inquiry when the site sends
mail (its one mail setting, `SGOODIE_MAIL`), to the site settings' contact e-mail.
"""

from __future__ import annotations

from . import admin, views  # noqa: F401  (register the routes, slots and signal handlers)
from .plugin import plugin

__all__ = ["plugin"]
