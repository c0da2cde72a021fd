"""The time zone picker: real places only, the zones most people use first, each labelled with its
offset and city, "(UTC−08:00) Los Angeles".

A real zone is one of the IANA database's locations: a name of `Area/Location` shape in one of the
continents and oceans, as `zone.tab` lists them (one or more per country; it lies beside the
zone files zoneinfo reads). That leaves out "Factory", "localtime", "posixrules", "Etc/…",
the old country names ("US/Pacific") and the renamed cities ("Asia/Calcutta", "Europe/Kiev"),
which the database keeps as links to the current ones. Where no `zone.tab` is found the shape
alone decides. Browsers may report a renamed city (Chromium says "Asia/Calcutta"): `aliases()`
says which listed zone it is, from the database's own links (`tzdata.zi`)."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from ..domain import DEFAULT_TIME_ZONE

AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
_SHAPE = re.compile(rf"^(?:{'|'.join(AREAS)})/[A-Z][A-Za-z_\-]+(?:/[A-Z][A-Za-z_\-]+)?$")
UTC_ZONE = "Etc/UTC"  # what the database calls UTC ("UTC" is its link)
COMMON_GROUP = "Common"
# The zones most sites are in: UTC, then from Hawaii eastwards (the Common group sorts them by offset).
COMMON = (
    DEFAULT_TIME_ZONE,
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Europe/Istanbul",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


def _database_file(name: str) -> Path | None:
    """A file of the time zone database beside the zone files zoneinfo reads."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def real_zones() -> frozenset[str]:
    """Every zone the picker offers: the database's locations this machine knows, and UTC."""
    known = {name for name in zoneinfo.available_timezones() if _SHAPE.match(name)}
    listed = _database_file("zone.tab")
    if listed is not None:
        rows = (line.split("\t") for line in listed.read_text().splitlines() if not line.startswith("#"))
        known &= {row[2] for row in rows if len(row) > 2}
    return frozenset(known | {DEFAULT_TIME_ZONE})


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Old and alternative names of listed zones -> the listed name ("Asia/Calcutta" ->
    "Asia/Kolkata"); empty where the database's links are not found."""
    links = _database_file("tzdata.zi")
    if links is None:
        return {}
    found = {UTC_ZONE: DEFAULT_TIME_ZONE}
    for line in links.read_text().splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[0] != "L" or parts[2] in real_zones():
            continue
        target = DEFAULT_TIME_ZONE if parts[1] == UTC_ZONE else parts[1]
        if target in real_zones():
            found[parts[2]] = target
    return found


def offset_label(offset: timedelta) -> str:
    """An offset as the picker writes it, "UTC−08:00" or "UTC+05:30" (a true minus sign)."""
    minutes = int(offset.total_seconds()) // 60
    sign = "−" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def city(name: str) -> str:
    """The place a zone is named after: "Los Angeles"; "Indianapolis, Indiana" for a zone
    within a region."""
    if name == DEFAULT_TIME_ZONE:
        return name
    parts = [part.replace("_", " ") for part in name.split("/")[1:]]
    return ", ".join(reversed(parts))


def label(name: str, now: datetime) -> str:
    """A zone as the picker lists it, "(UTC−08:00) Los Angeles": the offset in force at `now`."""
    return f"({offset_label(_offset(name, now))}) {city(name)}"


def _offset(name: str, now: datetime) -> timedelta:
    return now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta()


def grouped_choices(now: datetime | None = None) -> dict[str, tuple[tuple[str, str], ...]]:
    """The picker's options by group: "Common" first (UTC, then by offset, west to east), then
    each area's zones by city. Offsets are this hour's (summer time included); made once an hour."""
    now = now or datetime.now(UTC)
    return _grouped_choices(now.astimezone(UTC).replace(minute=0, second=0, microsecond=0))


@lru_cache(maxsize=2)
def _grouped_choices(hour: datetime) -> dict[str, tuple[tuple[str, str], ...]]:
    zones = real_zones()
    places = sorted((n for n in COMMON[1:] if n in zones), key=lambda n: (_offset(n, hour), city(n)))
    groups = {COMMON_GROUP: [DEFAULT_TIME_ZONE, *places]}
    for area in AREAS:
        groups[area] = sorted((n for n in zones if n.startswith(area + "/")), key=city)
    return {group: tuple((name, label(name, hour)) for name in names) for group, names in groups.items()}


def listed_name(name: str) -> str:
    """The zone as the picker lists it: a saved or reported old name as its current one
    ("US/Pacific" -> "America/Los_Angeles"); a name the picker does not know, unchanged."""
    return name if name in real_zones() else aliases().get(name, name)
