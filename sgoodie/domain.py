"""The things a photographer's site is made of, and the rules they obey.

Plain dataclasses: the stores persist them, the views render them, nothing here does I/O.
Every mutable record carries a `version`; a store refuses an update whose version is not the one
it holds (optimistic concurrency), so two admins never silently overwrite each other.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from .image_formats import CUSTOM_PRESET, QUALITY_PRESETS, EncoderQuality

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

TITLE_MAX = 120
SLUG_MAX = 80
DESCRIPTION_MAX = 10_000
SHORT_TEXT_MAX = 200
SEO_TITLE_MAX = 70
SEO_DESCRIPTION_MAX = 320
ALT_TEXT_MAX = 250
CAPTION_MAX = 500
#: A publishing client's key for a photo (`Photo.external_id`): a file path or a catalogue id.
EXTERNAL_ID_MAX = 200
# Where the subject of a photo is, as fractions of its width and height from the top left; every
# crop (object-fit: cover, the Open Graph image) keeps it in view. The centre until the
# photographer sets it.
FOCAL_CENTRE = 0.5


class PhotoStatus(StrEnum):
    """The life of a photo (`sgoodie.photos.lifecycle` changes it): uploading -> queued ->
    processing -> ready | failed, and back to queued on retry or re-render; ready -> replacing
    while a new original is on its way (`photos.replace`), its current files still served.
    Stored as its value."""

    UPLOADING = "uploading"
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    REPLACING = "replacing"


PHOTO_STATUSES = tuple(PhotoStatus)
#: A job is on its way: queued, or being processed.
IN_PROGRESS = (PhotoStatus.QUEUED, PhotoStatus.PROCESSING)
#: A photo in these keeps serving the files it has: rendered again, or a new original on its way.
SERVED_MEANWHILE = (*IN_PROGRESS, PhotoStatus.REPLACING)
PAGE_IDS = ("home", "about", "personal-branding")
SITE_PAGE_ID = "site"  # site settings are stored beside the pages
CATEGORIES_PAGE_ID = "categories"  # so is the list of work categories
CATEGORY_NAME_MAX = 60
# A page is one record (a DynamoDB item holds 400 KB at most; a gallery photo with its variants
# takes about 3 KB): the branding gallery holds this many photos, on either store.
BRANDING_GALLERY_MAX = 60
BRANDING_GALLERY_FULL = f"The gallery holds at most {BRANDING_GALLERY_MAX} photos. Remove some before adding more; nothing was saved."

# Who may see a project (published ones; drafts are nobody's): everyone, whoever has its link
# (not listed anywhere, not indexed), or the clients who know its password (private files too).
VISIBILITIES = {
    "public": "Public (in the portfolio)",
    "unlisted": "Unlisted (link only)",
    "client": "Client gallery (password)",
}
GALLERY_PASSWORD_MIN = 6

# A URL scheme ("javascript:", "mailto:"): letters first, no dot before the colon, so that
# "facebook.com:443/x" reads as a host with a port and not as a scheme.
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+\-]*:", re.I)


# The currencies a photographer can quote in (the contact form's budget options), with the symbol
# written before an amount.
CURRENCIES = {
    "USD": ("US dollar", "$"),
    "EUR": ("Euro", "€"),
    "GBP": ("Pound sterling", "£"),
    "CAD": ("Canadian dollar", "CA$"),
    "AUD": ("Australian dollar", "A$"),
    "NZD": ("New Zealand dollar", "NZ$"),
    "CHF": ("Swiss franc", "CHF\u00a0"),
}
DEFAULT_CURRENCY = "USD"
DEFAULT_TIME_ZONE = "UTC"


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """The IANA time zone names this machine knows ("Europe/Lisbon"), sorted; UTC at least."""
    return tuple(sorted(zoneinfo.available_timezones() | {DEFAULT_TIME_ZONE}))


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    """The named zone; UTC when the name is unknown (a setting saved on a machine with a newer
    time zone database)."""
    try:
        return zoneinfo.ZoneInfo(name) if name in time_zones() else zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)


def social_url(value: str) -> str:
    """A profile address as people type it, made whole: "facebook.com/x" and "www.…" get
    https://, "http://" becomes "https://" (every network serves its profiles over https). Any
    other scheme (javascript:, data:, mailto:…) is left as typed, for `SiteSettings.validate` to
    refuse."""
    value = (value or "").strip()
    if not value:
        return ""
    if value.startswith("//"):
        return "https:" + value
    if value.lower().startswith("http://"):
        return "https://" + value[len("http://") :]
    if _SCHEME_RE.match(value):
        return value
    return "https://" + value


class ValidationError(ValueError):
    """One or more fields are invalid. `errors` maps field name -> human-readable message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> str:
    """ISO 8601 UTC timestamp with milliseconds; sorts as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_utc(local: datetime, zone_name: str) -> str:
    """A wall-clock time in the site's time zone as a stored UTC timestamp (`utcnow`'s format)."""
    aware = local.replace(tzinfo=time_zone(zone_name)) if local.tzinfo is None else local
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_local(timestamp: str, zone_name: str) -> datetime:
    """A stored UTC timestamp as a wall-clock time in the site's time zone."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(time_zone(zone_name))


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """'Café Olé — Lisbon 2024' -> 'cafe-ole-lisbon-2024'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


@dataclass
class Variant:
    """One rendered file of a photo: a width in a format, stored under `key`."""

    width: int
    height: int
    format: str  # avif | webp | jpeg
    key: str
    bytes: int = 0


RIGHTS_TEXT_MAX = 200
URL_MAX = 500
# Each Rights field as the admin names it.
RIGHTS_LABELS = {
    "creator": "Creator",
    "copyright": "Copyright notice",
    "credit": "Credit line",
    "license_url": "Licence page",
    "acquire_url": "How to license",
}


@dataclass
class Rights:
    """Who made a photo and on what terms it may be used: written into every public file (XMP, and
    EXIF where the format has it) and into the JSON-LD. Empty fields are unknown."""

    creator: str = ""
    copyright: str = ""  # the notice, e.g. "© 2024 S. Goodie Photography"
    credit: str = ""  # the credit line publishers print beside the photo
    license_url: str = ""  # the licence page (XMP web statement of rights, schema.org `license`)
    acquire_url: str = ""  # how to license it (PLUS licensor URL, schema.org `acquireLicensePage`)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Rights:
        known = _field_names(cls)
        return cls(**{k: str(v or "").strip() for k, v in (data or {}).items() if k in known})

    def to_dict(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value}

    def __bool__(self) -> bool:
        return any(asdict(self).values())

    def or_else(self, *fallbacks: Rights) -> Rights:
        """Field by field, this value when set, else the first fallback that has one."""
        chain = (self, *fallbacks)
        return Rights(
            **{
                f.name: next((getattr(r, f.name) for r in chain if getattr(r, f.name)), "")
                for f in fields(self)
            }
        )

    def validate(self, prefix: str = "") -> None:
        errors = {}
        for f in fields(self):
            if problem := rights_field_problem(f.name, getattr(self, f.name)):
                errors[prefix + f.name] = problem
        if errors:
            raise ValidationError(errors)


def rights_field_problem(name: str, value: str) -> str:
    """Why a value cannot be the Rights field `name` (too long, a link that is not http(s)), or "".
    The same check for what the admin types and what an original's metadata says."""
    if len(value) > (URL_MAX if name.endswith("_url") else RIGHTS_TEXT_MAX):
        return "This is too long."
    if name.endswith("_url") and value and not value.lower().startswith(("https://", "http://")):
        return "Use a full web address starting with https://."
    return ""


@dataclass
class Image:
    """What a page needs to show a processed photo: variants, intrinsic size, and how to paint it
    before it loads (dominant colour + tiny placeholder)."""

    width: int
    height: int
    variants: list[Variant]
    dominant_color: str = "#888888"
    placeholder: str = ""  # data: URI of a tiny blurred preview
    alt: str = ""
    rights: dict[str, str] = field(default_factory=dict)  # the Rights written into its files
    focal_x: float = FOCAL_CENTRE
    focal_y: float = FOCAL_CENTRE

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Image | None:
        return from_record(cls, data) if data else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def variants_in(self, fmt: str) -> list[Variant]:
        return sorted((v for v in self.variants if v.format == fmt), key=lambda v: v.width)

    @property
    def aspect_ratio(self) -> float:
        return self.width / self.height if self.height else 1.0

    @property
    def object_position(self) -> str:
        """The CSS `object-position` that keeps the focal point in a cropped box: "38.5% 20%"."""
        return f"{_percent(self.focal_x)}% {_percent(self.focal_y)}%"

    def crop_box(self, aspect: float) -> tuple[float, float, float, float]:
        """The largest box of `aspect` (width / height) inside the photo, placed the way
        `object-fit: cover` with `object_position` places it (the focal point is always inside,
        as far across the box as it is across the photo), as fractions (left, top, right,
        bottom): so an image cut on the server (the Open Graph image) matches the site's crops."""
        if aspect >= self.aspect_ratio:  # a wider box: full width, a band of the height
            share = self.aspect_ratio / aspect
            top = _place_band(self.focal_y, share)
            return (0.0, top, 1.0, top + share)
        share = aspect / self.aspect_ratio
        left = _place_band(self.focal_x, share)
        return (left, 0.0, left + share, 1.0)


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 1):g}"


def _place_band(focal: float, share: float) -> float:
    """Where a band `share` long starts: CSS `object-position: <focal>%` lines up the point
    `focal` across the photo with the point `focal` across the box."""
    return (1 - share) * focal


def external_id_error(value: Any) -> str:
    """Why a client's key for a photo cannot be stored ("" when it can): at most EXTERNAL_ID_MAX
    printable characters (no tabs, line breaks or other control characters)."""
    if not isinstance(value, str):
        return "The external id must be text."
    if len(value) > EXTERNAL_ID_MAX:
        return f"The external id is {len(value)} characters long; at most {EXTERNAL_ID_MAX} are allowed."
    if not value.isprintable():
        return "The external id may not contain control characters (tabs, line breaks and the like)."
    return ""


def focal_errors(focal_x: Any, focal_y: Any) -> dict[str, str]:
    """Why a focal point cannot be stored (both coordinates are fractions 0..1), if it cannot."""
    errors = {}
    for name, value in (("focal_x", focal_x), ("focal_y", focal_y)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            errors[name] = "The focal point must lie inside the photo (0 to 100 %)."
    return errors


@dataclass
class Photo:
    """A photo and its files, whatever shows it: a project's (stored in the photos table) or a
    page's own (the home hero, the about portrait, the branding gallery: stored on its page, with
    `page_id` set and no project). Both live one life (`sgoodie.photos.lifecycle`)."""

    project_id: str
    id: str = field(default_factory=new_id)
    order: int = 0
    status: str = PhotoStatus.UPLOADING
    error: str = ""  # why processing failed, in words an admin understands
    filename: str = ""
    content_type: str = ""
    size: int = 0
    original_key: str = ""
    alt_text: str = ""
    caption: str = ""
    width: int = 0
    height: int = 0
    variants: list[Variant] = field(default_factory=list)
    dominant_color: str = ""
    placeholder: str = ""
    exif: dict[str, Any] = field(default_factory=dict)
    # Rights: what the original carried, what the admin set for this photo (wins field by field),
    # and what its files carry (either of those, else the site's defaults).
    rights_source: dict[str, str] = field(default_factory=dict)
    rights_override: dict[str, str] = field(default_factory=dict)
    rights: dict[str, str] = field(default_factory=dict)
    rendering: str = ""  # the encoder settings its variants were made with (`RenderSettings.signature`)
    focal_x: float = FOCAL_CENTRE
    focal_y: float = FOCAL_CENTRE
    attempts: int = 0
    created_at: str = field(default_factory=utcnow)
    updated_at: str = field(default_factory=utcnow)
    version: int = 0
    # A page's own photo: the page it belongs to; the portfolio photo whose files it copies (it
    # follows that photo's new files while that photo is public), if it was chosen from the
    # portfolio; and the page photo it replaces, which visitors keep seeing until it has files.
    page_id: str = ""
    from_photo: str = ""
    replaces: Photo | None = None
    # The home hero's 9:16 cut for phones (`photos.cuts`), and the point it was cut at.
    phone_cuts: list[Variant] = field(default_factory=list)
    phone_cuts_at: str = ""
    # The words the original file carried (its IPTC/XMP title and description: what Lightroom,
    # Capture One and cameras' software write), offered as alt text and caption while those are
    # empty; and whether the alt text and caption in use came from the file, so a later sync may
    # update them but never overwrites what the photographer typed.
    file_title: str = ""
    file_description: str = ""
    alt_text_from_file: bool = False
    caption_from_file: bool = False
    # The publishing client's own key for this photo (`/api/v1/`), unique within its project, so
    # an interrupted sync run again finds the photos it already sent.
    external_id: str = ""
    # A new original on its way or being rendered (`photos.replace`); None otherwise.
    replacement: Replacement | None = None
    # The SHA-256 a publishing client gave for the original in use (`/api/v1/`), so a sync run
    # again knows which files the site already has without downloading them.
    source_sha256: str = ""

    RIGHTS_FORM_PREFIX = "rights_"  # form fields and validation errors: rights_creator, …

    @property
    def is_ready(self) -> bool:
        return self.status == PhotoStatus.READY

    @property
    def has_files(self) -> bool:
        """Ready, or being rendered again (a settings change, `reprocess --all`, a new original)
        with the files it had: visitors keep those until the new ones are in place."""
        return self.is_ready or (bool(self.variants) and self.status in SERVED_MEANWHILE)

    @property
    def is_shown(self) -> bool:
        """Whether visitors see it: it has files and is described. A photo added to a published
        project goes live when it has alt text, never with `alt=""` (publishing asks for it)."""
        return self.has_files and bool(self.alt_text.strip())

    @property
    def shown_on_page(self) -> Photo | None:
        """The page photo visitors see in its place: this one once it has files (ready, or being
        rendered again), else the photo it replaces, if any."""
        if self.variants:
            return self
        return self.replaces.shown_on_page if self.replaces is not None else None

    def image(self) -> Image | None:
        """The renderable image, once variants exist."""
        if not self.variants:
            return None
        return Image(
            self.width,
            self.height,
            list(self.variants),
            self.dominant_color or "#888888",
            self.placeholder,
            self.alt_text,
            rights=dict(self.rights),
            focal_x=self.focal_x,
            focal_y=self.focal_y,
        )

    def validate(self) -> None:
        errors = {}
        Rights.from_dict(self.rights_override).validate("rights_")
        if self.status not in PHOTO_STATUSES:
            errors["status"] = f"must be one of {', '.join(PHOTO_STATUSES)}"
        if len(self.alt_text) > ALT_TEXT_MAX:
            errors["alt_text"] = f"at most {ALT_TEXT_MAX} characters"
        if len(self.caption) > CAPTION_MAX:
            errors["caption"] = f"at most {CAPTION_MAX} characters"
        errors.update(focal_errors(self.focal_x, self.focal_y))
        if problem := external_id_error(self.external_id):
            errors["external_id"] = problem
        if errors:
            raise ValidationError(errors)


@dataclass
class Replacement:
    """A photo's new original (`sgoodie.photos.replace`): where its single-use upload goes (a key
    of its own, never the current original's: CDNs and browsers keep what they fetched) and what
    the client announced. The photo's own filename, size and original change to these once the
    new files are in place."""

    key: str
    filename: str
    content_type: str
    size: int
    sha256: str = ""  # the publishing client's, becoming the photo's `source_sha256` once rendered


@dataclass
class Project:
    title: str
    category: str
    slug: str = ""
    id: str = field(default_factory=new_id)
    description: str = ""  # Markdown, sanitised when rendered
    location: str = ""
    client: str = ""
    published: bool = False
    featured: bool = False
    seo_title: str = ""
    seo_description: str = ""
    cover_photo_id: str = ""
    # A copy of the cover photo's renderable image, kept by the store so listing pages need no
    # photo lookups (one query per category page).
    cover: Image | None = None
    order: int = 0
    published_at: str = ""
    visibility: str = "public"  # one of VISIBILITIES
    # A client gallery's password (hashed), the last day it opens (YYYY-MM-DD, in the site's time
    # zone; empty: no expiry), and the generation of its grants (a reset bumps it, ending them all).
    gallery_password_hash: str = ""
    # An optional second password for guests (family, an agency): they see the photos but do not
    # choose or download.
    gallery_guest_password_hash: str = ""
    gallery_expires_on: str = ""
    gallery_epoch: int = 0
    # Scheduled publishing (UTC, like every stored time; the admin shows the site's time zone).
    publish_at: str = ""
    unpublish_at: str = ""
    created_at: str = field(default_factory=utcnow)
    updated_at: str = field(default_factory=utcnow)
    version: int = 0

    @property
    def is_scheduled(self) -> bool:
        return bool(self.publish_at or self.unpublish_at)

    @property
    def is_public(self) -> bool:
        """Listed in the portfolio, the sitemap and search engines' data (when published)."""
        return self.visibility == "public"

    @property
    def is_private(self) -> bool:
        """A client gallery: behind a password, its photos stored where no public path reaches."""
        return self.visibility == "client"

    @property
    def is_listed(self) -> bool:
        """In visitors' lists (its category's page, the home page when featured, the sitemap,
        search engines' data): published and public. The stores index exactly these."""
        return self.published and self.is_public

    def shows(self, photo: Photo) -> bool:
        """Whether the project page shows this photo. Public and unlisted pages ask for alt text;
        a client gallery (hundreds of proofs nobody indexes) shows every photo with files."""
        return photo.has_files if self.is_private else photo.is_shown

    def gallery_expired(self, today: str) -> bool:
        """Whether a client gallery has passed its last day (`today`: YYYY-MM-DD, site time)."""
        return bool(self.is_private and self.gallery_expires_on and today > self.gallery_expires_on)

    @property
    def shown_cover(self) -> Image | None:
        """The cover as visitors see it (cards, Open Graph, sitemap): only a described photo."""
        return self.cover if self.cover is not None and self.cover.alt.strip() else None

    def __post_init__(self) -> None:
        if not self.slug:
            self.slug = slugify(self.title)

    def validate(self, categories: Iterable[str], photos: Iterable[Photo] | None = None) -> None:
        """Raise ValidationError naming each bad field. With `photos`, also check what publishing
        requires: every ready photo has alt text."""
        errors: dict[str, str] = {}
        if not self.title.strip():
            errors["title"] = "A title is required."
        elif len(self.title) > TITLE_MAX:
            errors["title"] = f"At most {TITLE_MAX} characters."
        if not SLUG_RE.match(self.slug or ""):
            errors["slug"] = "Use lowercase letters, digits and single hyphens (e.g. 'lisbon-loft')."
        elif len(self.slug) > SLUG_MAX:
            errors["slug"] = f"At most {SLUG_MAX} characters."
        if self.category not in set(categories):
            errors["category"] = f"Choose one of: {', '.join(categories)}."
        if len(self.description) > DESCRIPTION_MAX:
            errors["description"] = f"At most {DESCRIPTION_MAX} characters."
        for name in ("location", "client"):
            if len(getattr(self, name)) > SHORT_TEXT_MAX:
                errors[name] = f"At most {SHORT_TEXT_MAX} characters."
        if len(self.seo_title) > SEO_TITLE_MAX:
            errors["seo_title"] = f"At most {SEO_TITLE_MAX} characters (search engines cut the rest)."
        if len(self.seo_description) > SEO_DESCRIPTION_MAX:
            errors["seo_description"] = f"At most {SEO_DESCRIPTION_MAX} characters."
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            errors["unpublish_at"] = "Unpublish after the time it is published."
        if self.visibility not in VISIBILITIES:
            errors["visibility"] = "Choose public, unlisted or client gallery."
        elif self.is_private and not self.gallery_password_hash:
            errors["gallery_password"] = "A client gallery needs a password: set one to share it."
        if self.featured and self.visibility != "public":
            errors["featured"] = "Only a public project can be featured on the home page."
        if self.gallery_expires_on and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.gallery_expires_on):
            errors["gallery_expires_on"] = "Use a date like 2026-12-31."
        if self.published and photos is not None and not self.is_private:
            missing = [p for p in photos if p.is_ready and not p.alt_text.strip()]
            if missing:
                errors["published"] = (
                    f"{len(missing)} photo{'s' if len(missing) != 1 else ''} still need alt text "
                    "before this project can be published."
                )
        if errors:
            raise ValidationError(errors)


@dataclass
class Page:
    """An editable page (`home`, `about`, `personal-branding`) or the site settings (`site`).
    `content` holds the page's fields; `images` its photos, by slot name."""

    id: str
    content: dict[str, Any] = field(default_factory=dict)
    images: dict[str, Any] = field(default_factory=dict)
    seo_title: str = ""
    seo_description: str = ""
    updated_at: str = field(default_factory=utcnow)
    version: int = 0

    def photo(self, slot: str) -> Photo | None:
        """The photo of a single slot (`hero`, `portrait`), as stored (maybe still processing)."""
        data = self.images.get(slot)
        return page_photo(data, self.id) if isinstance(data, Mapping) and data else None

    def photos(self, slot: str) -> list[Photo]:
        """The photos of a list slot (the branding `gallery`), in order, as stored."""
        return [page_photo(data, self.id) for data in self.images.get(slot) or [] if data]

    def every_photo(self) -> Iterator[tuple[str, Photo]]:
        """(slot, photo) for every photo on the page, single slots and lists alike."""
        for slot, value in self.images.items():
            for data in value if isinstance(value, list) else [value]:
                if isinstance(data, Mapping) and data.get("id"):
                    yield slot, page_photo(data, self.id)

    def put_photo(self, slot: str, photo: Photo | None) -> None:
        self.images[slot] = to_record(photo) if photo is not None else None

    def put_photos(self, slot: str, photos: Iterable[Photo]) -> None:
        self.images[slot] = [to_record(photo) for photo in photos]

    def image(self, slot: str) -> Image | None:
        """The slot's photo as visitors see it: while a new photo is being processed, the one it
        replaces."""
        photo = self.photo(slot)
        shown = photo.shown_on_page if photo is not None else None
        return shown.image() if shown is not None else None

    def image_list(self, slot: str) -> list[Image]:
        """The photos of a list slot (the gallery) visitors see, in order."""
        shown = (photo.shown_on_page for photo in self.photos(slot))
        return [image for image in (p.image() for p in shown if p is not None) if image]


def page_photo(data: Mapping[str, Any], page_id: str) -> Photo:
    """A photo stored on a page. Pages written before page photos were `Photo` records held an
    image dict: its alt text as `alt`, the photo it replaced as `previous`, no status when ready
    and no page id; it reads as the record it is now (and is written so on the next save, or by
    `sgoodie reindex`)."""
    upgraded = dict(data)
    if "alt" in upgraded and "alt_text" not in upgraded:
        upgraded["alt_text"] = upgraded.pop("alt")
    if "previous" in upgraded and "replaces" not in upgraded:
        upgraded["replaces"] = upgraded.pop("previous")
    upgraded.setdefault("status", PhotoStatus.READY)
    upgraded.update(page_id=page_id, project_id="")
    replaced = upgraded.get("replaces")
    upgraded["replaces"] = (
        page_photo(replaced, page_id) if isinstance(replaced, Mapping) and replaced else None
    )
    return from_record(Photo, upgraded)


@dataclass
class SiteSettings:
    business_name: str = "S.Goodie Photography"
    tagline: str = ""
    contact_email: str = ""
    phone: str = ""
    location: str = ""
    instagram: str = ""
    linkedin: str = ""
    facebook: str = ""
    pinterest: str = ""
    default_seo_description: str = ""
    currency: str = DEFAULT_CURRENCY
    # Times show in UTC until the photographer chooses a zone (the dashboard asks once); choosing
    # UTC is a choice too. Settings saved before the question existed (a stored page without the
    # field) count as chosen: their zone was in the settings form they saved (`from_page`).
    time_zone: str = DEFAULT_TIME_ZONE
    time_zone_chosen: bool = False
    # Rights written into photos whose original carries none (see `Rights`); the copyright
    # notice is a template: {year} becomes the year the photo was taken. Empty creator and notice:
    # the business name, "© {year} <business name>".
    rights_creator: str = ""
    rights_copyright: str = ""
    rights_credit: str = ""
    rights_license_url: str = ""
    rights_acquire_url: str = ""
    # How the public files are encoded (`image_formats.QUALITY_PRESETS`, or "custom" with these).
    quality_preset: str = "balanced"
    jpeg_quality: int = 82
    jpeg_subsampling: str = "4:2:0"
    webp_quality: int = 80
    avif_quality: int = 60
    wide_gamut: bool = False  # keep Display P3 colour (profile embedded) instead of converting to sRGB
    # The uploaded logo's files (images/logo.py): {"id", "prefix", "width", "height"} of the
    # header's 1x file; empty for the wordmark (the business name set in type).
    logo: dict[str, Any] = field(default_factory=dict)
    version: int = 0

    SOCIAL = ("instagram", "linkedin", "facebook", "pinterest")
    RIGHTS_PREFIX = "rights_"

    def rights_defaults(self, year: int | str) -> Rights:
        """The site's default rights for a photo taken in `year`."""
        template = self.rights_copyright or "© {year} " + self.business_name
        return Rights(
            creator=self.rights_creator or self.business_name,
            copyright=template.replace("{year}", str(year)),
            credit=self.rights_credit,
            license_url=self.rights_license_url,
            acquire_url=self.rights_acquire_url,
        )

    @classmethod
    def from_page(cls, page: Page | None) -> SiteSettings:
        if page is None:
            return cls()
        defaults = cls()
        values = {}
        for name, value in page.content.items():
            if name in _field_names(cls) and name != "version":
                default = getattr(defaults, name)
                # numbers come back from DynamoDB as Decimal
                values[name] = type(default)(value) if isinstance(default, (bool, int)) else value
        values.setdefault("time_zone_chosen", page.version > 0)
        return cls(**values, version=page.version)

    def encoder_quality(self) -> EncoderQuality:
        """The encoder settings of the chosen preset, or the custom values."""
        if self.quality_preset in QUALITY_PRESETS:
            return QUALITY_PRESETS[self.quality_preset][1]
        return EncoderQuality(
            int(self.jpeg_quality), self.jpeg_subsampling, int(self.webp_quality), int(self.avif_quality)
        )

    def to_page(self, base: Page | None = None) -> Page:
        content = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "version"}
        page = base or Page(SITE_PAGE_ID)
        return replace(page, content=content, version=self.version)

    def logo_key(self, name: str) -> str:
        """The storage key of one of the logo's files ("logo-80.webp", "icon-180.png")."""
        return f"{self.logo['prefix']}{name}" if self.logo else ""

    def money(self, amount: int) -> str:
        """An amount in the site's currency: "$1,000", "€7,500", "CHF 3,000"."""
        symbol = CURRENCIES.get(self.currency, CURRENCIES[DEFAULT_CURRENCY])[1]
        return f"{symbol}{amount:,}"

    def social_links(self) -> list[tuple[str, str]]:
        return [(name, getattr(self, name)) for name in self.SOCIAL if getattr(self, name)]

    def validate(self) -> None:
        errors = {}
        if not self.business_name.strip():
            errors["business_name"] = "The business name is required."
        if self.contact_email and not EMAIL_RE.match(self.contact_email):
            errors["contact_email"] = "Enter a valid email address."
        for name in self.SOCIAL:
            url = social_url(getattr(self, name))
            setattr(self, name, url)
            if url and not url.lower().startswith("https://"):
                errors[name] = "Use the https:// web address of the profile."
        if self.currency not in CURRENCIES:
            errors["currency"] = "Choose one of the listed currencies."
        if self.time_zone not in time_zones():
            errors["time_zone"] = "Choose a time zone from the list, e.g. Europe/Lisbon."
        if len(self.default_seo_description) > SEO_DESCRIPTION_MAX:
            errors["default_seo_description"] = f"At most {SEO_DESCRIPTION_MAX} characters."
        try:
            self.rights_defaults("2024").validate(self.RIGHTS_PREFIX)
        except ValidationError as exc:
            errors.update(exc.errors)
        if "{" in self.rights_copyright.replace("{year}", ""):
            errors["rights_copyright"] = "Only {year} may stand in braces, e.g. “© {year} Your Name”."
        for name in ("jpeg_quality", "webp_quality", "avif_quality"):
            if not 1 <= int(getattr(self, name)) <= 100:
                errors[name] = "A quality from 1 to 100."
        if self.quality_preset not in (*QUALITY_PRESETS, CUSTOM_PRESET):
            errors["quality_preset"] = "Choose one of the listed qualities."
        if self.jpeg_subsampling not in ("4:2:0", "4:4:4"):
            errors["jpeg_subsampling"] = "Choose 4:2:0 or 4:4:4."
        if errors:
            raise ValidationError(errors)


@dataclass
class Category:
    """A work category: its address (`/work/<slug>`), its name in the navigation, and whether
    visitors see it. Its introduction and search texts live on the `work-<slug>` page."""

    slug: str
    name: str
    hidden: bool = False


@dataclass
class CategoryList:
    """Every work category in navigation order, and the old slugs of renamed ones (old -> current,
    for 301s). Stored as one page (`categories`), so the list is one read."""

    items: list[Category] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    version: int = 0

    @classmethod
    def from_page(cls, page: Page) -> CategoryList:
        items = [
            Category(str(c["slug"]), str(c["name"]), bool(c.get("hidden")))
            for c in page.content.get("items") or []
        ]
        return cls(items, dict(page.content.get("renamed") or {}), page.version)

    def to_page(self, base: Page | None = None) -> Page:
        content = {
            "items": [{"slug": c.slug, "name": c.name, "hidden": c.hidden} for c in self.items],
            "renamed": dict(self.renamed),
        }
        return replace(base or Page(CATEGORIES_PAGE_ID), content=content, version=self.version)

    def get(self, slug: str) -> Category | None:
        return next((c for c in self.items if c.slug == slug), None)

    @property
    def names(self) -> dict[str, str]:
        """Every category, hidden ones too: slug -> name (the admin, project validation)."""
        return {c.slug: c.name for c in self.items}

    @property
    def visible(self) -> dict[str, str]:
        """The categories visitors see, in navigation order: slug -> name."""
        return {c.slug: c.name for c in self.items if not c.hidden}

    def validate(self) -> None:
        errors: dict[str, str] = {}
        seen: set[str] = set()
        for c in self.items:
            if not c.name.strip():
                errors["name"] = "The name is required."
            elif len(c.name) > CATEGORY_NAME_MAX:
                errors["name"] = f"At most {CATEGORY_NAME_MAX} characters."
            if not SLUG_RE.match(c.slug or "") or len(c.slug) > SLUG_MAX:
                errors["slug"] = "Use lowercase letters, digits and hyphens."
            elif c.slug in seen:
                errors["slug"] = f"The address '{c.slug}' is already used by another category."
            seen.add(c.slug)
        if errors:
            raise ValidationError(errors)


@dataclass
class AdminUser:
    email: str
    password_hash: str = ""
    id: str = field(default_factory=new_id)
    created_at: str = field(default_factory=utcnow)
    last_login_at: str = ""
    version: int = 0
    # Carried by every session record; bumping it (a password change, `sgoodie sign-out-everyone`)
    # ends every session started before.
    session_version: int = 0

    def __post_init__(self) -> None:
        self.email = self.email.strip().lower()

    def validate(self) -> None:
        if not EMAIL_RE.match(self.email):
            raise ValidationError({"email": "Enter a valid email address."})


def _field_names(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}


def to_record(obj: Any) -> dict[str, Any]:
    """A dataclass as a plain dict of JSON-friendly values (what the stores persist)."""
    return asdict(obj)


def from_record(cls: type, data: Mapping[str, Any]) -> Any:
    """Rebuild a dataclass from a stored dict, ignoring attributes it does not know (stores may add
    their own, like DynamoDB key attributes) and coercing numbers DynamoDB hands back as Decimal."""
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            continue
        if name in ("variants", "phone_cuts"):
            value = [Variant(**_ints(v, ("width", "height", "bytes"))) for v in value or []]
        elif name == "cover":
            value = Image.from_dict(value)
        elif name == "replaces":
            value = value if value is None or isinstance(value, Photo) else from_record(Photo, value)
        elif name == "replacement":
            value = (
                value if value is None or isinstance(value, Replacement) else from_record(Replacement, value)
            )
        elif name in (
            "order",
            "version",
            "size",
            "width",
            "height",
            "attempts",
            "session_version",
            "gallery_epoch",
        ):
            value = int(value)
        elif name in ("focal_x", "focal_y"):
            value = float(value)
        elif name in ("exif", "content", "images", "rights", "rights_source", "rights_override"):
            value = _plain(value)
        values[name] = value
    return cls(**values)


def _ints(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    out = dict(data)
    for name in names:
        if name in out:
            out[name] = int(out[name])
    return out


def _plain(value: Any) -> Any:
    """Decimals from DynamoDB back to int/float, recursively."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
