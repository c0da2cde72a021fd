"""What a public page tells search engines and link previews (title, description, canonical
link, share image), and the plain version for pages that bring no SEO of their own.

Core, not part of the public site's blueprint: the plugin API's `page_meta` builds on it, and the
public site's richer meta (`public/seo.py`) uses the same `Meta`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request, url_for

from .domain import Image, SiteSettings
from .images.crops import share_size
from .services import services

SHARE_IMAGE_WIDTH = 1280  # Open Graph recommends at least 1200 px wide
FOCAL_STEPS = 1000  # a share image's address carries the focal point in thousandths


@dataclass
class Meta:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: Image | None = None
    json_ld: list[dict[str, Any]] = field(default_factory=list)

    @property
    def image_url(self) -> str:
        """The link-preview card: the photo cut to 1.91:1 around its focal point (the public
        site's `/share/...` route makes it from the share variant)."""
        variant = share_variant(self.image)
        if variant is None:
            return ""
        return absolute(
            url_for(
                "public.share_image",
                focal_x=round(self.image.focal_x * FOCAL_STEPS),
                focal_y=round(self.image.focal_y * FOCAL_STEPS),
                key=variant.key,
            )
        )

    @property
    def image_size(self) -> tuple[int, int]:
        variant = share_variant(self.image)
        return share_size(variant, self.image) if variant else (0, 0)


def site_origin() -> str:
    """The public origin: SGOODIE_SITE_URL when configured, else (local development) this
    request's. Every absolute link goes through it (`absolute`, `external_url`, and Flask's
    `url_for(..., _external=True)`, which the app class routes here)."""
    return current_app.site_origin()  # type: ignore[attr-defined]


def absolute(url: str) -> str:
    """A path on this site (or an already absolute URL) as an absolute URL on the trusted origin."""
    return url if url.startswith(("http://", "https://")) else f"{site_origin()}{url}"


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of an endpoint, on the trusted origin (for e-mails, feeds, anything read
    away from the page)."""
    return url_for(endpoint, _external=True, **values)


def share_variant(image: Image | None):
    """The JPEG closest above the share width (every platform reads JPEG)."""
    if image is None:
        return None
    jpegs = image.variants_in("jpeg")
    if not jpegs:
        return None
    return next((v for v in jpegs if v.width >= SHARE_IMAGE_WIDTH), jpegs[-1])


def title(part: str, settings: SiteSettings) -> str:
    return f"{part} | {settings.business_name}" if part else settings.business_name


def simple_meta(heading: str = "", description: str = "") -> Meta:
    """Meta for pages that bring no SEO of their own (plugin pages): this URL, the site's name
    and default description."""
    settings = services().site_settings()
    return Meta(
        title(heading, settings),
        description or settings.default_seo_description or settings.tagline,
        absolute(request.script_root + request.path),
    )
