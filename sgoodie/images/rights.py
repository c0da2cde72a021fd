"""Rights metadata: read the credit and licence an original carries, write them into every
public file, and nothing else.

Reading and XMP serialising are Exiv2's (through pyexiv2, the maintained binding): it reads EXIF,
IPTC and XMP from every format we accept and writes standard XMP packets. The packet and the EXIF
block are made once per photo and handed to Pillow's encoders (`xmp=`, `exif=`), so adding them
costs no extra pass over the files. Because a variant is written from scratch with only these two
blocks, everything personal in the original (GPS, serial numbers, owner name, maker notes,
thumbnails, edit history) never reaches it.

`rewrite` changes the rights of an already encoded JPEG or WebP in place (no new encode); Exiv2
cannot write into AVIF's container, so AVIF files are encoded again.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyexiv2
from PIL import Image

from ..domain import Rights, rights_field_problem

log = logging.getLogger("sgoodie.images")

pyexiv2.set_log_level(4)  # Exiv2's own warnings about odd files go nowhere; we log what we use

EXIF_ARTIST, EXIF_COPYRIGHT = 0x013B, 0x8298
LICENSOR_URL = "Xmp.plus.Licensor[1]/plus:LicensorURL"
REWRITABLE = ("jpeg", "webp")  # formats whose metadata Exiv2 can change without a new encode


def first_text(value: Any) -> str:
    """The text of an XMP value: a list's first item, a language alternative's default."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get('lang="x-default"') or next(iter(value.values()), "")
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").strip().strip("\x00").strip()


@dataclass(frozen=True)
class Embedded:
    """The EXIF, IPTC and XMP an original carries, as Exiv2 reads them (`Xmp.dc.title`, …): read
    once per photo, for its rights and its title and description (`metadata.file_text`)."""

    exif: Mapping[str, Any] = field(default_factory=dict)
    iptc: Mapping[str, Any] = field(default_factory=dict)
    xmp: Mapping[str, Any] = field(default_factory=dict)


def read_embedded(data: bytes) -> Embedded:
    """The original's metadata; none when Exiv2 cannot read it (no reason to refuse a photo)."""
    try:
        with pyexiv2.ImageData(data) as image:
            return Embedded(
                exif=_read(image.read_exif), iptc=_read(image.read_iptc), xmp=_read(image.read_xmp)
            )
    except (RuntimeError, ValueError, UnicodeDecodeError) as exc:
        log.info("could not read the original's metadata: %s", exc)
        return Embedded()


def read_rights(data: bytes) -> Rights:
    """The rights an original carries (`rights_in`)."""
    return rights_in(read_embedded(data))


def rights_in(embedded: Embedded) -> Rights:
    """The creator, copyright notice, credit line, licence URL and licensor URL of an original, from
    XMP first, then IPTC, then EXIF, each held to the limits of a typed value (a 60 KB Artist or a
    `javascript:` licence is left out)."""
    xmp, iptc, exif = embedded.xmp, embedded.iptc, embedded.exif

    def pick(field: str, *values: Any) -> str:
        """The first value that passes the checks a typed one does (length, link scheme)."""
        return next(
            (text for text in map(first_text, values) if text and not rights_field_problem(field, text)), ""
        )

    return Rights(
        creator=pick(
            "creator",
            xmp.get("Xmp.dc.creator"),
            iptc.get("Iptc.Application2.Byline"),
            exif.get("Exif.Image.Artist"),
        ),
        copyright=pick(
            "copyright",
            xmp.get("Xmp.dc.rights"),
            iptc.get("Iptc.Application2.Copyright"),
            exif.get("Exif.Image.Copyright"),
        ),
        credit=pick("credit", xmp.get("Xmp.photoshop.Credit"), iptc.get("Iptc.Application2.Credit")),
        license_url=pick("license_url", xmp.get("Xmp.xmpRights.WebStatement")),
        acquire_url=pick("acquire_url", xmp.get(LICENSOR_URL)),
    )


def _read(reader) -> Mapping[str, Any]:
    try:
        return reader()
    except UnicodeDecodeError:  # a field in another encoding: try the bytes as Latin-1
        return reader(encoding="latin-1")


@lru_cache(maxsize=1)
def _blank_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "JPEG")
    return buffer.getvalue()


def _xmp_fields(rights: Rights) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if rights.creator:
        fields["Xmp.dc.creator"] = [rights.creator]
    if rights.copyright:
        fields["Xmp.dc.rights"] = {'lang="x-default"': rights.copyright}
        fields["Xmp.xmpRights.Marked"] = "True"  # a rights-managed work, not public domain
    if rights.credit:
        fields["Xmp.photoshop.Credit"] = rights.credit
    if rights.license_url:
        fields["Xmp.xmpRights.WebStatement"] = rights.license_url
    if rights.acquire_url:
        fields["Xmp.plus.Licensor"] = "type=Seq"
        fields[LICENSOR_URL] = rights.acquire_url
    return fields


def xmp_packet(rights: Rights) -> bytes:
    """The rights as an XMP packet (serialised by Exiv2), or b"" when there are none."""
    fields = _xmp_fields(rights)
    if not fields:
        return b""
    with pyexiv2.ImageData(_blank_jpeg()) as carrier:
        carrier.modify_xmp(fields)
        packet = carrier.read_raw_xmp()
    # Exiv2 pads the packet for in-place editing; a published file does not need the padding.
    return re.sub(r"\s{16,}(?=<\?xpacket end)", "\n", packet).encode("utf-8")


def exif_block(rights: Rights) -> bytes:
    """An EXIF block with only Artist and Copyright, or b"" when there are neither."""
    exif = Image.Exif()
    # As UTF-8 bytes, as cameras, Lightroom and Exiv2 write them: Pillow would turn "©" into "?".
    if rights.creator:
        exif[EXIF_ARTIST] = rights.creator.encode("utf-8")
    if rights.copyright:
        exif[EXIF_COPYRIGHT] = rights.copyright.encode("utf-8")
    return exif.tobytes() if len(exif) else b""


def rewrite(data: bytes, rights: Rights) -> bytes:
    """A JPEG or WebP variant with its rights replaced and its pixels untouched."""
    with pyexiv2.ImageData(data) as image:
        image.clear_xmp()
        image.clear_exif()
        if fields := _xmp_fields(rights):
            image.modify_xmp(fields)
        exif = {}
        if rights.creator:
            exif["Exif.Image.Artist"] = rights.creator
        if rights.copyright:
            exif["Exif.Image.Copyright"] = rights.copyright
        if exif:
            image.modify_exif(exif)
        return image.get_bytes()
