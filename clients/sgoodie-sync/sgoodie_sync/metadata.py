"""What a photo file says about itself: its title and description (what Lightroom Classic and
Capture One write on export, as XMP `dc:title`/`dc:description` and IPTC IIM 2:05/2:120) and when
it was taken (EXIF DateTimeOriginal), read in pure Python from the file's headers only.

JPEG (APP1 XMP and EXIF, APP13 IPTC), TIFF (tags 700, 33723 and the EXIF IFD), PNG (the XMP
`iTXt` chunk, `eXIf`, and the plain `Title`/`Description` text chunks), WebP (`XMP ` and `EXIF`
chunks), and HEIC/HEIF/AVIF (the `Exif` and XMP items of the `meta` box). Other files (GIF) have
none. A file whose headers are damaged reads as having none: the sync sends it all the same and
the site says what is wrong with it.

When the XMP and the IPTC disagree the XMP wins: it is what current software edits, and it holds
the whole text (IPTC IIM caps a title at 64 bytes)."""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
EXIF_NS = "{http://ns.adobe.com/exif/1.0/}"
PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_APP1 = b"Exif\x00\x00"
PHOTOSHOP_APP13 = b"Photoshop 3.0\x00"
IPTC_RESOURCE = 0x0404  # the IPTC-NAA record among Photoshop's image resources
IPTC_TITLE, IPTC_CAPTION, IPTC_CHARSET = (2, 5), (2, 120), (1, 90)
TIFF_XMP, TIFF_IPTC, TIFF_EXIF_IFD, EXIF_DATE_TAKEN = 700, 33723, 34665, 36867

# Enough for any header; a larger segment or box is a damaged or hostile file.
MAX_BLOCK = 16 * 1024 * 1024
SUPPORTED_FORMATS = "JPEG, TIFF, PNG, WebP, HEIC/HEIF and AVIF"


@dataclass(frozen=True)
class FileText:
    """A photo file's own words and capture time ("" when it has none)."""

    title: str = ""
    description: str = ""
    captured_at: str = ""  # ISO 8601 without zone, "2024-05-01T14:03:09": sorts as text


class _Found:
    """What the readers collect, by source, before the XMP-over-IPTC choice."""

    def __init__(self) -> None:
        self.xmp: list[bytes] = []
        self.iptc: dict[tuple[int, int], list[bytes]] = {}
        self.exif_taken = ""
        self.text_chunks: dict[str, str] = {}  # PNG tEXt/iTXt keywords


def read_file_text(path: Path) -> FileText:
    """The title, description and capture time a photo file carries."""
    found = _Found()
    try:
        with open(path, "rb") as stream:
            head = stream.read(16)
            stream.seek(0)
            if head.startswith(b"\xff\xd8"):
                _read_jpeg(stream, found)
            elif head.startswith((b"II*\x00", b"MM\x00*")):
                _read_tiff(stream, 0, found)
            elif head.startswith(b"\x89PNG\r\n\x1a\n"):
                _read_png(stream, found)
            elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                _read_webp(stream, found)
            elif head[4:8] == b"ftyp":
                _read_isobmff(stream, found)
    except (OSError, ValueError, struct.error, IndexError, zlib.error):
        pass  # a damaged header: keep what was read before it
    return _choose(found)


def _choose(found: _Found) -> FileText:
    xmp_title = xmp_description = xmp_taken = ""
    for packet in found.xmp:
        title, description, taken = _parse_xmp(packet)
        xmp_title, xmp_description = xmp_title or title, xmp_description or description
        xmp_taken = xmp_taken or taken
    charset_utf8 = any(b"\x1b%G" in value for value in found.iptc.get(IPTC_CHARSET, []))
    iptc_title = _iptc_text(found.iptc.get(IPTC_TITLE, []), charset_utf8)
    iptc_caption = _iptc_text(found.iptc.get(IPTC_CAPTION, []), charset_utf8)
    return FileText(
        title=_clean(xmp_title or iptc_title or found.text_chunks.get("Title", "")),
        description=_clean(xmp_description or iptc_caption or found.text_chunks.get("Description", "")),
        captured_at=found.exif_taken or xmp_taken,
    )


def _clean(text: str) -> str:
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


# -- JPEG -----------------------------------------------------------------------------------------
def _read_jpeg(stream: BinaryIO, found: _Found) -> None:
    stream.read(2)  # SOI
    photoshop = b""
    while True:
        byte = stream.read(1)
        if not byte:
            break
        if byte != b"\xff":
            raise ValueError("JPEG segments out of step")
        marker = stream.read(1)
        while marker == b"\xff":  # fill bytes
            marker = stream.read(1)
        if not marker or marker in (b"\xd9", b"\xda"):  # EOI, or the image data begins
            break
        if marker == b"\x01" or b"\xd0" <= marker <= b"\xd8":  # no length
            continue
        (length,) = struct.unpack(">H", stream.read(2))
        if marker in (b"\xe1", b"\xed"):
            data = stream.read(length - 2)
            if marker == b"\xe1" and data.startswith(XMP_APP1):
                found.xmp.append(data[len(XMP_APP1) :])
            elif marker == b"\xe1" and data.startswith(EXIF_APP1):
                _read_tiff(io.BytesIO(data[len(EXIF_APP1) :]), 0, found)
            elif marker == b"\xed" and data.startswith(PHOTOSHOP_APP13):
                photoshop += data[len(PHOTOSHOP_APP13) :]  # may span several segments
        else:
            stream.seek(length - 2, io.SEEK_CUR)
    if photoshop:
        _read_photoshop_resources(photoshop, found)


def _read_photoshop_resources(data: bytes, found: _Found) -> None:
    position = 0
    while position + 12 <= len(data) and data[position : position + 4] == b"8BIM":
        (resource,) = struct.unpack(">H", data[position + 4 : position + 6])
        name_length = data[position + 6]
        position += 6 + name_length + 1 + ((name_length + 1) % 2)  # Pascal name, padded to even
        (size,) = struct.unpack(">I", data[position : position + 4])
        position += 4
        if resource == IPTC_RESOURCE:
            _read_iptc(data[position : position + size], found)
        position += size + size % 2


def _read_iptc(data: bytes, found: _Found) -> None:
    """IPTC IIM: 0x1C, record, dataset, length (extended when its top bit is set), value."""
    position = 0
    while position + 5 <= len(data) and data[position] == 0x1C:
        record, dataset = data[position + 1], data[position + 2]
        (length,) = struct.unpack(">H", data[position + 3 : position + 5])
        position += 5
        if length & 0x8000:
            size_of_length = length & 0x7FFF
            length = int.from_bytes(data[position : position + size_of_length], "big")
            position += size_of_length
        found.iptc.setdefault((record, dataset), []).append(data[position : position + length])
        position += length


def _iptc_text(values: list[bytes], utf8: bool) -> str:
    if not values:
        return ""
    raw = values[0]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Declared UTF-8 but is not, or undeclared legacy text: what Windows software wrote.
        return raw.decode("utf-8", "replace") if utf8 else raw.decode("cp1252", "replace")


# -- TIFF (files, and the EXIF block of the other formats) -----------------------------------------
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


def _read_tiff(stream: BinaryIO, base: int, found: _Found) -> None:
    stream.seek(base)
    order = stream.read(2)
    endian = "<" if order == b"II" else ">"
    (magic, first_ifd) = struct.unpack(endian + "HI", stream.read(6))
    if magic != 42:
        return
    entries = _tiff_ifd(stream, base, first_ifd, endian)
    if TIFF_XMP in entries:
        found.xmp.append(_tiff_value(stream, base, endian, entries[TIFF_XMP]))
    if TIFF_IPTC in entries:
        _read_iptc(_tiff_value(stream, base, endian, entries[TIFF_IPTC]), found)
    if TIFF_EXIF_IFD in entries:
        (exif_ifd,) = struct.unpack(endian + "I", entries[TIFF_EXIF_IFD][2])
        exif = _tiff_ifd(stream, base, exif_ifd, endian)
        if EXIF_DATE_TAKEN in exif:
            taken = _tiff_value(stream, base, endian, exif[EXIF_DATE_TAKEN])
            found.exif_taken = _iso_date(taken.split(b"\x00")[0].decode("ascii", "replace"))


def _tiff_ifd(stream: BinaryIO, base: int, offset: int, endian: str) -> dict[int, tuple[int, int, bytes]]:
    """tag -> (type, count, the 4 value-or-offset bytes) of one IFD."""
    stream.seek(base + offset)
    (count,) = struct.unpack(endian + "H", stream.read(2))
    entries = {}
    for _ in range(min(count, 4096)):
        entry = stream.read(12)
        if len(entry) < 12:
            break
        tag, kind, number = struct.unpack(endian + "HHI", entry[:8])
        entries[tag] = (kind, number, entry[8:])
    return entries


def _tiff_value(stream: BinaryIO, base: int, endian: str, entry: tuple[int, int, bytes]) -> bytes:
    kind, count, inline = entry
    size = TYPE_SIZES.get(kind, 1) * count
    if size > MAX_BLOCK:
        raise ValueError("TIFF value too large")
    if size <= 4:
        return inline[:size]
    (offset,) = struct.unpack(endian + "I", inline)
    stream.seek(base + offset)
    return stream.read(size)


def _iso_date(exif_date: str) -> str:
    """ "2024:05:01 14:03:09" (EXIF) or "2024-05-01T14:03:09+02:00" (XMP) -> "2024-05-01T14:03:09"."""
    match = re.match(r"\s*(\d{4})[:-](\d{2})[:-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?", exif_date)
    if not match or match.group(1) == "0000":
        return ""
    year, month, day, hour, minute, second = (part or "00" for part in match.groups())
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}"


# -- PNG and WebP: chunks ---------------------------------------------------------------------------
def _chunks(stream: BinaryIO, start: int, *, png: bool):
    """(type, size) of each chunk from `start`, the stream at its data: PNG's big-endian length
    then type, followed by a CRC; RIFF's type then little-endian size, padded to even."""
    position = start
    while True:
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            return
        if png:
            size, kind = struct.unpack(">I4s", header)
        else:
            kind, size = struct.unpack("<4sI", header)
        yield kind, size
        position += 8 + size + (4 if png else size % 2)  # what the reader did not read is skipped


def _read_png(stream: BinaryIO, found: _Found) -> None:
    for kind, size in _chunks(stream, 8, png=True):
        if kind == b"IEND":
            return
        if kind in (b"iTXt", b"tEXt", b"zTXt", b"eXIf") and size <= MAX_BLOCK:
            _png_chunk(kind, stream.read(size), found)


def _png_chunk(kind: bytes, data: bytes, found: _Found) -> None:
    if kind == b"eXIf":
        _read_tiff(io.BytesIO(data), 0, found)
        return
    keyword, _, rest = data.partition(b"\x00")
    name = keyword.decode("latin-1")
    if kind == b"tEXt":
        text = rest.decode("latin-1")
    elif kind == b"zTXt":
        text = zlib.decompress(rest[1:]).decode("latin-1")
    else:  # iTXt: compression flag, method, language tag, translated keyword, text (UTF-8)
        compressed = rest[0] == 1
        _, _, rest = rest[2:].partition(b"\x00")
        _, _, value = rest.partition(b"\x00")
        raw = zlib.decompress(value) if compressed else value
        if name == "XML:com.adobe.xmp":
            found.xmp.append(raw)
            return
        text = raw.decode("utf-8", "replace")
    if name in ("Title", "Description"):
        found.text_chunks.setdefault(name, text)


def _read_webp(stream: BinaryIO, found: _Found) -> None:
    for kind, size in _chunks(stream, 12, png=False):
        if kind == b"XMP " and size <= MAX_BLOCK:
            found.xmp.append(stream.read(size))
        elif kind == b"EXIF" and size <= MAX_BLOCK:
            data = stream.read(size)
            _read_tiff(io.BytesIO(data[6:] if data.startswith(EXIF_APP1) else data), 0, found)


# -- HEIC, HEIF, AVIF (ISO base media file format) -----------------------------------------------
def _boxes(stream: BinaryIO, start: int, end: int | None):
    """(type, payload start, payload end) of the boxes between two offsets (end None: the file's end)."""
    position = start
    while end is None or position + 8 <= end:
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        payload = position + 8
        if size == 1:
            (size,) = struct.unpack(">Q", stream.read(8))
            payload += 8
        elif size == 0:
            stream.seek(0, io.SEEK_END)
            size = stream.tell() - position
        if size < payload - position:
            return
        yield kind, payload, position + size
        position += size


def _read_isobmff(stream: BinaryIO, found: _Found) -> None:
    for kind, start, end in _boxes(stream, 0, None):
        if kind == b"meta":
            _read_meta_box(stream, start + 4, end, found)  # a full box: version and flags first
            return


def _read_meta_box(stream: BinaryIO, start: int, end: int, found: _Found) -> None:
    kinds: dict[int, tuple[bytes, str]] = {}
    locations: dict[int, list[tuple[int, int]]] = {}
    for kind, box_start, box_end in _boxes(stream, start, end):
        if box_end - box_start > MAX_BLOCK:
            continue
        stream.seek(box_start)
        data = stream.read(box_end - box_start)
        if kind == b"iinf":
            kinds = _item_infos(data)
        elif kind == b"iloc":
            locations = _item_locations(data)
    for item, (item_type, content_type) in kinds.items():
        extents = locations.get(item, [])
        if not extents or sum(length for _, length in extents) > MAX_BLOCK:
            continue
        payload = b""
        for offset, length in extents:
            stream.seek(offset)
            payload += stream.read(length)
        if item_type == b"Exif" and len(payload) > 4:
            (header_offset,) = struct.unpack(">I", payload[:4])
            _read_tiff(io.BytesIO(payload[4 + header_offset :]), 0, found)
        elif item_type == b"mime" and content_type == "application/rdf+xml":
            found.xmp.append(payload)


def _item_infos(data: bytes) -> dict[int, tuple[bytes, str]]:
    """item id -> (item type, content type) from an `iinf` box."""
    version = data[0]
    position = 6 if version == 0 else 8
    infos = {}
    while position + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        if size < 8:
            break
        body = data[position + 8 : position + size]
        position += size
        if kind != b"infe" or body[0] < 2:
            continue
        if body[0] == 2:
            (item,) = struct.unpack(">H", body[4:6])
            rest = body[8:]
        else:
            (item,) = struct.unpack(">I", body[4:8])
            rest = body[10:]
        item_type, rest = rest[:4], rest[4:]
        _, _, rest = rest.partition(b"\x00")  # item name
        content_type = rest.partition(b"\x00")[0].decode("ascii", "replace") if item_type == b"mime" else ""
        infos[item] = (item_type, content_type)
    return infos


def _item_locations(data: bytes) -> dict[int, list[tuple[int, int]]]:
    """item id -> [(file offset, length)] from an `iloc` box (extents stored in the file only)."""
    version = data[0]
    offset_size, length_size = data[4] >> 4, data[4] & 15
    base_offset_size, index_size = data[5] >> 4, (data[5] & 15 if version in (1, 2) else 0)
    position = 6

    def number(size: int) -> int:
        nonlocal position
        value = int.from_bytes(data[position : position + size], "big")
        position += size
        return value

    count = number(2 if version < 2 else 4)
    locations = {}
    for _ in range(count):
        item = number(2 if version < 2 else 4)
        method = number(2) & 15 if version in (1, 2) else 0
        number(2)  # data reference index
        base = number(base_offset_size)
        extents = []
        for _ in range(number(2)):
            number(index_size)
            extents.append((base + number(offset_size), number(length_size)))
        if method == 0:
            locations[item] = extents
    return locations


# -- XMP ------------------------------------------------------------------------------------------
def _parse_xmp(packet: bytes) -> tuple[str, str, str]:
    """(dc:title, dc:description, capture time) of one XMP packet; "" for what it lacks."""
    start = packet.find(b"<x:xmpmeta")
    if start < 0:
        start = packet.find(b"<rdf:RDF")
    if start < 0:
        return "", "", ""
    end_tag = b"</x:xmpmeta>" if packet[start : start + 10] == b"<x:xmpmeta" else b"</rdf:RDF>"
    end = packet.find(end_tag, start)
    if start < 0 or end < 0:
        return "", "", ""
    try:
        root = ElementTree.fromstring(packet[start : end + len(end_tag)])
    except ElementTree.ParseError:
        return "", "", ""
    taken = ""
    for name in (EXIF_NS + "DateTimeOriginal", PHOTOSHOP + "DateCreated"):
        taken = taken or _iso_date(_simple(root, name))
    return _lang_alt(root, DC + "title"), _lang_alt(root, DC + "description"), taken


def _lang_alt(root: ElementTree.Element, name: str) -> str:
    """A language alternative's default text (`x-default`, else the first)."""
    for element in root.iter(name):
        items = list(element.iter(RDF + "li"))
        for item in items:
            if item.get(XML_LANG) == "x-default":
                return item.text or ""
        if items:
            return items[0].text or ""
        if element.text and element.text.strip():
            return element.text
    return ""


def _simple(root: ElementTree.Element, name: str) -> str:
    for description in root.iter(RDF + "Description"):
        if description.get(name):
            return description.get(name, "")
    for element in root.iter(name):
        return element.text or ""
    return ""
