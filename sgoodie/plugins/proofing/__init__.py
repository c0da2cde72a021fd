"""Proofing and downloads for client galleries (built-in plugin).

The core owns who may open a client gallery (its password, expiry and grants) and keeps its
photos private; this plugin adds what a client does there, on the plugin API only:

- **Proofing**: the client gives a name and e-mail once, then marks photos in one or several
  named lists ("Favourites", "Website", "Print") and leaves a note per photo; plain forms, so the
  basic choice works without JavaScript, saved in the background with it (static/proofing.js),
  in the grid and in the full-screen viewer. They review and submit their selection. The photographer
  sees every client's selection (thumbnails, notes, counts) under **Admin → Projects → the
  project → Client selections**, and exports it as CSV or as a plain list of original file names
  (to filter by in Lightroom or Capture One).
- **Sets**: the photographer groups the gallery's photos into ordered sets, each of which can be
  hidden (its photos then hidden from clients); clients move between them with plain links
  (`?set=`, through `Plugin.gallery_photos`), and the viewer goes through the set shown.
- **Downloads**, per gallery: off, single photos, or the whole gallery too; original, high
  (2560 px) or web (1280 px) size; an optional download PIN. A whole-gallery ZIP, or the client's
  favourites (one list or all), is built in the background (the photo job queue) by streaming, kept for a few days, and offered through a
  progress page and then a time-limited link. Every download is logged (who, what, when).

- **API** (`api.py`): `GET /api/v1/galleries` and `/api/v1/galleries/<id>/selections` for a
  token with the `galleries` scope, so a desktop tool marks the client's picks.

- **Reminders**: a few days before a gallery's last day, its clients get an e-mail saying so.

- **Activity** (`activity.py`): per gallery and visitor, visits, photos viewed (the viewer's
  beacon), favourites, downloads and the selection sent, on the gallery's Activity page in the
  admin; an optional daily digest; kept for a set number of days. Counted by the site only.

When the site sends mail (its one mail setting, `SGOODIE_MAIL`), the site settings' contact
address gets an e-mail per selection sent, and clients a reminder before their gallery closes.
"""

from __future__ import annotations

from . import activity, admin, api, reminders, views, zips  # noqa: F401  (register the routes, slots, API, jobs)
from .plugin import plugin

__all__ = ["plugin"]
