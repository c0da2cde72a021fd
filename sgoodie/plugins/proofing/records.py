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
| `sets` | project id | the gallery's sets in order (id, name, hidden) and which set each photo is in |

One record per marked photo (not one list per client) keeps every item small whatever the
gallery's size, and a client's whole selection is one query by prefix. A gallery's sets are one
record, read once per page: a photo id and a set id per photo, about 50 KB for 1,000 photos
(DynamoDB's item limit is 400 KB).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from ...plugin_api import Project, ValidationError
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
SET_NAME_MAX = 40
SETS_MAX = 30
#: The `?set=` of the photos in no set (shown as "Other" once the gallery has sets).
OTHER = "other"


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
SETS = plugin.storage("sets")


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


def settle_watermark(project: Project) -> None:
    """Settings saved before watermarks existed hold no watermark choice, and their project the
    core's default (`previews`) whatever its downloads: such a gallery never chose, so it is
    Automatic, and the project's value follows that rule (off while downloads are on). Run on
    `sgoodie reindex` for every gallery and whenever the admin or a client opens one (once: the
    choice is stored then)."""
    data = GALLERIES.get(project.id)
    if data is None or "watermark" in data:
        return
    settings = gallery_settings(project.id)
    if project.gallery_watermark != settings.project_watermark:
        plugin.update_project(project.id, gallery_watermark=settings.project_watermark)
    GALLERIES.put(project.id, asdict(settings))


# -- sets ------------------------------------------------------------------------------------
@dataclass
class GallerySets:
    """A gallery's sets in the photographer's order, and the set of each photo (one at most; a
    photo in none is in "Other"). A hidden set and its photos are not shown to clients."""

    sets: list[dict[str, Any]] = field(default_factory=list)  # {"id", "name", "hidden"}
    photos: dict[str, str] = field(default_factory=dict)  # photo id -> set id

    def find(self, set_id: str) -> dict[str, Any] | None:
        return next((item for item in self.sets if item["id"] == set_id), None)

    def set_of(self, photo_id: str) -> str:
        """The id of the photo's set, or OTHER (a set deleted meanwhile counts as none)."""
        set_id = self.photos.get(photo_id, OTHER)
        return set_id if self.find(set_id) else OTHER

    def hides(self, photo_id: str) -> bool:
        found = self.find(self.set_of(photo_id))
        return bool(found and found["hidden"])

    def visible(self) -> list[dict[str, Any]]:
        return [item for item in self.sets if not item["hidden"]]

    def add(self, name: str) -> dict[str, Any]:
        item = {"id": secrets.token_hex(4), "name": self._valid_name(name), "hidden": False}
        if len(self.sets) >= SETS_MAX:
            raise ValidationError({"name": f"A gallery has at most {SETS_MAX} sets."})
        self.sets.append(item)
        return item

    def rename(self, set_id: str, name: str) -> None:
        self._existing(set_id)["name"] = self._valid_name(name, but=set_id)

    def move(self, set_id: str, step: int) -> None:
        """One place earlier (-1) or later (+1); at either end it stays."""
        index = self.sets.index(self._existing(set_id))
        other = index + step
        if 0 <= other < len(self.sets):
            self.sets[index], self.sets[other] = self.sets[other], self.sets[index]

    def set_hidden(self, set_id: str, hidden: bool) -> None:
        self._existing(set_id)["hidden"] = hidden

    def delete(self, set_id: str) -> None:
        """The set goes; its photos stay in the gallery, in no set."""
        self.sets.remove(self._existing(set_id))
        self.photos = {pid: sid for pid, sid in self.photos.items() if sid != set_id}

    def assign(self, photo_ids: list[str], set_id: str) -> None:
        """Put the photos in the set (out of the one they were in), or in none for OTHER."""
        if set_id != OTHER:
            self._existing(set_id)
        for photo_id in photo_ids:
            if set_id == OTHER:
                self.photos.pop(photo_id, None)
            else:
                self.photos[photo_id] = set_id

    def _existing(self, set_id: str) -> dict[str, Any]:
        found = self.find(set_id)
        if found is None:
            raise ValidationError({"set": "This set no longer exists; the page was reloaded."})
        return found

    def _valid_name(self, name: str, *, but: str = "") -> str:
        name = " ".join(name.split())
        if not name:
            raise ValidationError({"name": "Give the set a name (for example Ceremony)."})
        if len(name) > SET_NAME_MAX:
            raise ValidationError({"name": f"Set names are at most {SET_NAME_MAX} characters."})
        if name.casefold() == OTHER or any(
            item["name"].casefold() == name.casefold() and item["id"] != but for item in self.sets
        ):
            raise ValidationError({"name": f"There is already a set called “{name}”."})
        return name


def gallery_sets(project_id: str) -> GallerySets:
    data = SETS.get(project_id) or {}
    return GallerySets(sets=list(data.get("sets", [])), photos=dict(data.get("photos", {})))


def save_sets(project_id: str, sets: GallerySets) -> None:
    SETS.put(project_id, asdict(sets))


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
    """The gallery's clients in the order they started choosing (their keys are random ids)."""
    clients = [data for _, data in CLIENTS.all(prefix=f"{project_id}#")]
    return sorted(clients, key=lambda client: (client.get("started_at", ""), client.get("name", "")))


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
