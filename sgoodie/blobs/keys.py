"""Every storage key, in one place: what the code writes and what a URL may name.

- originals  `projects/{project_id}/original/{photo_id}.{ext}` (private, never served publicly);
             a replaced original `…/original/{photo_id}_{generation}.{ext}` (a key of its own)
- variants   `projects/{project_id}/variants/{photo_id}/{width}.{avif|webp|jpg}` (immutable)
- page photos  `pages/{page_id}/original/{image_id}.{ext}` and
               `pages/{page_id}/variants/{image_id}/{width}.{avif|webp|jpg}`
- client galleries' variants  `private/projects/{project_id}/variants/{photo_id}/{width}.{ext}`
- plugins' private files  `private/plugins/{plugin}/...` (a gallery's ZIP, say)

Everything under `private/` (and every original) is read by browsers only through a signed,
short-lived URL (`sgoodie.file_urls.signed_url`).
"""

from __future__ import annotations

import re

from ..image_formats import OUTPUT_FORMATS

PRIVATE_PREFIX = "private/"
# What is in the trash keeps its files under this prefix, which no public path, signed link or CDN
# route reaches; a restore moves them back.
TRASH_PREFIX = "trash/"
FORMAT_EXTENSIONS = {fmt.name: fmt.extension for fmt in OUTPUT_FORMATS}


def original_key(project_id: str, photo_id: str, extension: str, generation: str = "") -> str:
    """A photo's original; `generation` names a replacement's (`photos.replace`), so the new file
    never overwrites the one caches and running jobs may still read."""
    name = f"{photo_id}_{generation}" if generation else photo_id
    return f"projects/{project_id}/original/{name}.{extension.lower().lstrip('.')}"


def variant_prefix(project_id: str, photo_id: str, *, private: bool = False) -> str:
    """Where a photo's variants live: public, or (a client gallery's) under `private/`."""
    return f"{PRIVATE_PREFIX if private else ''}projects/{project_id}/variants/{photo_id}/"


def variant_key(project_id: str, photo_id: str, width: int, fmt: str, *, private: bool = False) -> str:
    return f"{variant_prefix(project_id, photo_id, private=private)}{width}.{FORMAT_EXTENSIONS[fmt]}"


def variant_name(width: int, fmt: str, generation: str = "") -> str:
    """A variant's file name: `1280.avif` for a photo's first rendering, `1280-<generation>.avif`
    for a later one, so pages and CDNs holding the old files keep them until they move on."""
    return f"{width}{'-' + generation if generation else ''}.{FORMAT_EXTENSIONS[fmt]}"


def phone_cut_name(at: str, width: int, fmt: str) -> str:
    """A file of the home hero's phone cut, beside its variants: `phone-<point>-<width>.<ext>`."""
    return f"phone-{at}-{width}.{FORMAT_EXTENSIONS[fmt]}"


def share_cut_key(variant: str, focal_x: int, focal_y: int) -> str:
    """A photo's link-preview card, beside the public JPEG it is cut from."""
    return f"{variant.rsplit('/', 1)[0]}/share-{focal_x}-{focal_y}.jpg"


def in_trash(key: str) -> str:
    """Where a file (or every file under a prefix) waits while its photo or project is in the trash."""
    return TRASH_PREFIX + key


def photo_prefixes(project_id: str, photo_id: str) -> tuple[str, str]:
    """Every rendered file of a project's photo lives under one of these (public, or private)."""
    return variant_prefix(project_id, photo_id), variant_prefix(project_id, photo_id, private=True)


def project_prefixes(project_id: str) -> tuple[str, str]:
    """Every file of a project lives under one of these (deleting the project removes both)."""
    return f"projects/{project_id}/", f"{PRIVATE_PREFIX}projects/{project_id}/"


def is_private_key(key: str) -> bool:
    return key.startswith(PRIVATE_PREFIX)


def plugin_file_key(plugin: str, name: str) -> str:
    """A plugin's private file (served only through signed URLs)."""
    return f"{PRIVATE_PREFIX}plugins/{plugin}/{name}"


def page_original_key(page_id: str, image_id: str, extension: str) -> str:
    return f"pages/{page_id}/original/{image_id}.{extension.lower().lstrip('.')}"


def logo_prefix(logo_id: str) -> str:
    """The logo's files (header sizes, icons), beside the site settings' page."""
    return page_variant_prefix("site", logo_id)


def page_variant_prefix(page_id: str, image_id: str) -> str:
    return f"pages/{page_id}/variants/{image_id}/"


# `{projects|pages}/<id>/variants/<id>/<width>.<ext>`: ids are uuids or page ids (`work-travel`),
# files a width and an extension. Nothing else (no dots in ids, no NUL, no spaces) is ever served.
_PUBLIC_KEY = re.compile(
    r"(?:projects|pages)/[A-Za-z0-9_-]{1,64}/variants/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9_-]{1,32}\.[a-z0-9]{1,8}"
)


def variant_owner(key: str) -> tuple[str, str, str] | None:
    """Whose public variant a key names: ("projects" or "pages", the project or page id, the photo
    id), or None for any other key."""
    if not is_public_key(key):
        return None
    kind, owner, _, photo_id, _ = key.split("/")
    return kind, owner, photo_id


_ORIGINAL_KEY = re.compile(
    r"projects/(?P<project_id>[^/]+)/original/(?P<photo_id>[^/._]+)(?:_[A-Za-z0-9]+)?\.[a-z0-9]+"
)


def gallery_of(key: str) -> str | None:
    """The project a signable file of a client gallery belongs to (its private variants, its
    originals), or None (a plugin's file names no project)."""
    if key.startswith(f"{PRIVATE_PREFIX}projects/"):
        return key.split("/")[2]
    owner = original_owner(key)
    return owner[0] if owner else None


def original_owner(key: str) -> tuple[str, str] | None:
    """(project id, photo id) of a project photo's original key, or None for any other key."""
    found = _ORIGINAL_KEY.fullmatch(key)
    return (found["project_id"], found["photo_id"]) if found else None


def is_variant_key(key: str) -> bool:
    """A rendered file of a photo (public, or a client gallery's private one, in the trash or not):
    made again from its original, so an archive may leave it out."""
    key = key.removeprefix(TRASH_PREFIX)
    return is_public_key(key) or (is_private_key(key) and "/variants/" in key)


def is_public_key(key: str) -> bool:
    """Variants and page images may be served; originals stay private. A key from a URL is
    checked against the shape of the keys we write before it reaches storage."""
    return bool(_PUBLIC_KEY.fullmatch(key))


# What a signed link may name: a private file or an original (ids as above, file names the same).
_SIGNABLE_KEY = re.compile(
    r"(?:private/(?:projects/[A-Za-z0-9_-]{1,64}/variants/[A-Za-z0-9_-]{1,64}"
    r"|plugins/[A-Za-z0-9_-]{1,64}(?:/[A-Za-z0-9_-]{1,64}){0,3})"
    r"|projects/[A-Za-z0-9_-]{1,64}/original)/[A-Za-z0-9_-]{1,64}\.[a-z0-9]{1,8}"
)


def is_signable_key(key: str) -> bool:
    """Keys a signed link may serve: client galleries' variants, plugins' private files,
    originals (a client's download). Checked again where a signed link is served."""
    return bool(_SIGNABLE_KEY.fullmatch(key))
