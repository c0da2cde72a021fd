"""`sgoodie-sync picks GALLERY`: a client's picks as something a photo editor can use.

- `lightroom`: the file names without their extension, separated by commas, on one line: paste it
  into Lightroom Classic's Library Filter → Text → Filename → Contains, which shows the photos
  whose name contains any of the terms. Without the extension the exported JPEG's name finds the
  raw file it came from (IMG_0042.jpg → IMG_0042.CR3).
- `captureone`: the same list, which Capture One's Filters tool search field takes as it is.
- `csv`: one row per pick: file name, external id, list, note (UTF-8, for a spreadsheet).

Every client's picks are merged per list (a note says whose it is); `--client` keeps one client's."""

from __future__ import annotations

import csv
import io

FORMATS = ("lightroom", "captureone", "csv")
CSV_COLUMNS = ("file_name", "external_id", "list", "note")


class UnknownList(Exception):
    pass


def client_selection(selections: dict, who: str) -> dict:
    """One client's own lists (`who`: their e-mail or name, any case) instead of everyone's."""
    wanted = who.casefold()
    for client in selections.get("clients", []):
        if wanted in (client.get("email", "").casefold(), client.get("name", "").casefold()):
            return client
    names = (
        ", ".join(c.get("email") or c.get("name", "") for c in selections.get("clients", [])) or "none yet"
    )
    raise UnknownList(f'No client "{who}" chose in this gallery (its clients: {names}).')


def pick_rows(selections: dict, list_name: str | None = None) -> list[dict[str, str]]:
    """One row per photo per list, in the gallery's order; `list_name` keeps one list (any case)."""
    lists = selections.get("lists", [])
    if list_name is not None:
        chosen = [entry for entry in lists if entry["name"].casefold() == list_name.casefold()]
        if not chosen:
            names = ", ".join(entry["name"] for entry in lists) or "none yet"
            raise UnknownList(f'The gallery has no list "{list_name}" (its lists: {names}).')
        lists = chosen
    return [
        {
            "file_name": photo.get("filename") or "",
            "external_id": photo.get("external_id") or "",
            "list": entry["name"],
            "note": photo.get("note") or "",
        }
        for entry in lists
        for photo in entry.get("photos", [])
    ]


def stem(file_name: str) -> str:
    base = file_name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base


def names_line(rows: list[dict[str, str]]) -> str:
    """Each file once, without extension, comma-separated."""
    names = dict.fromkeys(stem(row["file_name"] or row["external_id"]) for row in rows)
    return ", ".join(name for name in names if name)


def render(rows: list[dict[str, str]], fmt: str) -> str:
    if fmt in ("lightroom", "captureone"):
        return names_line(rows) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def ambiguous_names(rows: list[dict[str, str]]) -> list[str]:
    """Names the filters split into several terms (they cut at spaces and commas)."""
    return sorted({stem(row["file_name"]) for row in rows if any(c in stem(row["file_name"]) for c in " ,")})
