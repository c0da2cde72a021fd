"""What the plugin keeps, in its own storage collections (SQLite or DynamoDB, keys sort as text):

| Collection | Key | Data |
|---|---|---|
| `galleries` | project id | the gallery's lists, download mode and size, PIN hash and its generation, watermark choice |
| `clients` | `<project>#<client>` | name, e-mail, when they started and last submitted |
| `marks` | `<project>#<client>#<photo>` | the lists the photo is in, the client's note, the file name |
| `zips` | `<project>#<zip>` | a whole-gallery ZIP: status, progress, file, expiry (removed after it) |
| `downloads` | `<project>#<timestamp>#<id>` | the download log: who, what, when, from where (a year) |
| `gallery-index` | project id | the client galleries the API lists (`api.py`) |
| `received` | `<project>#<client>` | a selection sent and not yet opened in the admin (the dashboard's card) |

One record per marked photo (not one list per client) keeps every item small whatever the
gallery's size, and a client's whole selection is one query by prefix.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from ...plugin_api import ValidationError
from .plugin import plugin

DOWNLOAD_MODES = {"off": "Off", "single": "Single photos", "all": "Single photos and the whole gallery"}
DOWNLOAD_SIZES = {
    "original": "Original files",
    "2560": "High resolution (2560 px)",
    "1280": "Web size (1280 px)",
}
WATERMARKS = {
    "auto": "Automatic: on while downloads are off",
    "on": "On",
    "off": "Off",
}
LIST_NAME_MAX = 40
LISTS_MAX = 6
NOTE_MAX = 1000
LOG_SECONDS = 365 * 24 * 3600


# Declared at import, so `sgoodie export` carries them.
GALLERIES = plugin.storage("galleries", secret=("pin_hash",))
CLIENTS = plugin.storage("clients", secret=("name", "email"))
MARKS = plugin.storage("marks")
ZIP_JOBS = plugin.storage("zips")
DOWNLOAD_LOG = plugin.storage("downloads", secret=("name", "email", "address"))
RECEIVED = plugin.storage("received", secret=("name",))
RECEIVED_READ = 50  # selections waiting read for the dashboard (the card says "50+" beyond)
#: The client galleries, for the API's list (`api.py`): kept by `project_saved`, and by a client
#: starting to choose (a gallery made before the index existed joins it then).
GALLERY_INDEX = plugin.storage("gallery-index")


def index_gallery(project_id: str) -> None:
    GALLERY_INDEX.put(project_id, {"since": now()})


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class GallerySettings:
    lists: list[str] = field(default_factory=lambda: ["Favourites"])
    downloads: str = "off"  # one of DOWNLOAD_MODES
    size: str = "original"  # one of DOWNLOAD_SIZES
    pin_hash: str = ""
    pin_epoch: int = 0
    watermark: str = "auto"  # one of WATERMARKS
    watermark_downloads: bool = False

    @property
    def previews_marked(self) -> bool:
        return self.watermark == "on" or (self.watermark == "auto" and self.downloads == "off")

    @property
    def project_watermark(self) -> str:
        """What the gallery's files carry, as the core keeps it on the project
        (`Project.gallery_watermark`): the photo job stamps them accordingly."""
        if not self.previews_marked:
            return "off"
        return "all" if self.watermark_downloads else "previews"

    @property
    def width(self) -> int | None:
        """The rendition width downloads get; None for the originals."""
        return None if self.size == "original" else int(self.size)

    def validate(self) -> None:
        errors: dict[str, str] = {}
        names = [name.strip() for name in self.lists]
        if not names or any(not name for name in names):
            errors["lists"] = "Give at least one list, one name per line (for example Favourites)."
        elif len(names) > LISTS_MAX:
            errors["lists"] = f"At most {LISTS_MAX} lists."
        elif any(len(name) > LIST_NAME_MAX for name in names):
            errors["lists"] = f"List names are at most {LIST_NAME_MAX} characters."
        elif len({name.casefold() for name in names}) != len(names):
            errors["lists"] = "Each list needs a different name."
        if self.downloads not in DOWNLOAD_MODES:
            errors["downloads"] = "Choose one of the download options."
        if self.size not in DOWNLOAD_SIZES:
            errors["size"] = "Choose one of the sizes."
        if self.watermark not in WATERMARKS:
            errors["watermark"] = "Choose one of the watermark options."
        if errors:
            raise ValidationError(errors)


def gallery_settings(project_id: str) -> GallerySettings:
    data = GALLERIES.get(project_id) or {}
    known = GallerySettings.__dataclass_fields__
    return GallerySettings(**{k: v for k, v in data.items() if k in known})


def save_gallery_settings(project_id: str, settings: GallerySettings) -> None:
    settings.validate()
    GALLERIES.put(project_id, asdict(settings))


# -- clients and their marks -----------------------------------------------------------------
def new_client(project_id: str, name: str, email: str) -> str:
    client_id = secrets.token_hex(8)
    index_gallery(project_id)
    CLIENTS.put(
        f"{project_id}#{client_id}",
        {"id": client_id, "name": name, "email": email, "started_at": now(), "submitted_at": ""},
    )
    return client_id


def get_client(project_id: str, client_id: str) -> dict[str, Any] | None:
    return CLIENTS.get(f"{project_id}#{client_id}")


def gallery_clients(project_id: str) -> list[dict[str, Any]]:
    return [data for _, data in CLIENTS.all(prefix=f"{project_id}#")]


def client_marks(project_id: str, client_id: str) -> dict[str, dict[str, Any]]:
    """photo id -> {lists, note, filename}: the client's whole selection, one query."""
    prefix = f"{project_id}#{client_id}#"
    return {key.removeprefix(prefix): data for key, data in MARKS.all(prefix=prefix)}


def set_mark(
    project_id: str, client_id: str, photo_id: str, filename: str, *, lists: list[str], note: str
) -> None:
    """Store (or, with no list and no note, forget) the client's mark on one photo."""
    key = f"{project_id}#{client_id}#{photo_id}"
    if lists or note:
        MARKS.put(key, {"lists": lists, "note": note, "filename": filename, "updated_at": now()})
    else:
        MARKS.delete(key)


def submit(project_id: str, client_id: str) -> dict[str, Any] | None:
    client = get_client(project_id, client_id)
    if client is None:
        return None
    client["submitted_at"] = now()
    CLIENTS.put(f"{project_id}#{client_id}", client)
    RECEIVED.put(
        f"{project_id}#{client_id}",
        {"project_id": project_id, "name": client["name"], "submitted_at": client["submitted_at"]},
    )
    return client


def received() -> list[dict[str, Any]]:
    """Selections sent and not yet opened by the photographer, newest first (at most
    RECEIVED_READ + 1: the collection holds only those waiting, emptied as they are opened)."""
    waiting = [data for _, data in RECEIVED.all(limit=RECEIVED_READ + 1)]
    return sorted(waiting, key=lambda data: data["submitted_at"], reverse=True)


def mark_seen(project_id: str) -> None:
    """The photographer opened the gallery's selections: none of them waits any more."""
    for key, _ in RECEIVED.all(prefix=f"{project_id}#"):
        RECEIVED.delete(key)


# -- the download log ------------------------------------------------------------------------
def log_download(project_id: str, who: dict[str, Any] | None, what: str, address: str) -> None:
    key = f"{project_id}#{now()}#{secrets.token_hex(4)}"
    DOWNLOAD_LOG.put(
        key,
        {
            "at": now(),
            "name": (who or {}).get("name", ""),
            "email": (who or {}).get("email", ""),
            "what": what,
            "address": address,
        },
        expires_at=int(time.time()) + LOG_SECONDS,
    )


def recent_downloads(project_id: str, limit: int = 100) -> list[dict[str, Any]]:
    return [data for _, data in DOWNLOAD_LOG.all(prefix=f"{project_id}#", newest_first=True, limit=limit)]
