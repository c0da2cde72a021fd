"""The sitemap, in parts, so that no request reads the whole site and one edit re-renders one part:

- `/sitemap.xml`, a sitemap index: the pages part and every project part (one item read per
  category: its last published project says how many parts it has);
- `/sitemap-pages.xml`: home, about, personal branding (with their photos) and the category pages;
- `/sitemap-<category>-<n>.xml`: the published projects of one category whose display `order`
  falls in the n-th span of `SITEMAP_PART_SPAN` (new projects go to the end, `GAP` apart, so a
  part holds about `SITEMAP_PART_SIZE`; reorders only insert between neighbours), each with its photos.

Each part is cached on its own and tagged with what it lists (`project:<id>`, and
`sitemap:<category>` for the set of projects), so a project edit, or a photo of it, purges only
its part. Every limit of the protocol holds at any size: a part lists a bounded number of URLs,
and a project URL at most `MAX_IMAGES` images. `/robots.txt` points at the index.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Response, abort

from ..cache import tag_current_page
from ..domain import PAGE_IDS, Image
from ..file_urls import public_url
from ..meta import absolute
from ..services import services
from . import tags
from .seo import canonical
from .tags import SITEMAP_PART_SPAN, sitemap_part_of
from .views import bp

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
PAGE_ENDPOINTS = {
    "home": "public.home",
    "about": "public.about",
    "personal-branding": "public.personal_branding",
}
MAX_PART_URLS = 5_000  # far below the protocol's 50,000, for reorders that crowd one span
MAX_IMAGES = 1_000  # per URL (Google's limit)
LAST = 2**62  # beyond any display order


def _xml(root: ET.Element) -> Response:
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/xml")


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    categories = services().visible_categories
    tag_current_page(tags.SITEMAP, *(tags.sitemap(c) for c in categories))
    ET.register_namespace("", SITEMAP_NS)
    index = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    locations = [canonical("public.sitemap_pages")]
    for category in categories:
        last = services().store.projects_page(category, listed_only=True, before=LAST, limit=1)
        if last:
            locations += [
                canonical("public.sitemap_part", category=category, part=part)
                for part in range(sitemap_part_of(last[0]) + 1)
            ]
    for location in locations:
        entry = ET.SubElement(index, f"{{{SITEMAP_NS}}}sitemap")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = location
    return _xml(index)


@bp.get("/sitemap-pages.xml")
def sitemap_pages() -> Response:
    tag_current_page(
        tags.SITEMAP, *(tags.page(page_id) for page_id in PAGE_IDS)
    )  # it lists the pages' photos
    urlset = _urlset()
    pages = services().load_pages(*PAGE_IDS)  # the category list comes in the same read
    for page_id in PAGE_IDS:
        page = pages[page_id]
        images = [
            img for img in (page.image(slot) for slot in ("hero", "portrait")) if img
        ] + page.image_list("gallery")
        _add_url(urlset, canonical(PAGE_ENDPOINTS[page_id]), page.updated_at if page.version else "", images)
    for category in services().visible_categories:  # their covers are listed with their projects
        _add_url(urlset, canonical("public.category", category=category), "", [])
    return _xml(urlset)


@bp.get("/sitemap-<category>-<int:part>.xml")
def sitemap_part(category: str, part: int) -> Response:
    if category not in services().visible_categories:
        abort(404)
    store = services().store
    projects = store.projects_page(
        category,
        listed_only=True,
        after=part * SITEMAP_PART_SPAN - 1,
        before=(part + 1) * SITEMAP_PART_SPAN,
        limit=MAX_PART_URLS,
    )
    tag_current_page(tags.sitemap(category), *(tags.project(p.id) for p in projects))
    urlset = _urlset()
    # The category page itself opens every part: a part whose projects were all unpublished since
    # is still a valid sitemap (one URL at least), and crawlers take repeated URLs in their stride.
    _add_url(urlset, canonical("public.category", category=category), "", [])
    for project in projects:
        photos = [p.image() for p in store.photos_for_project(project.id) if p.variants and p.is_shown]
        _add_url(
            urlset, canonical("public.project", slug=project.slug), project.updated_at, photos[:MAX_IMAGES]
        )
    return _xml(urlset)


def _urlset() -> ET.Element:
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("image", IMAGE_NS)
    return ET.Element(f"{{{SITEMAP_NS}}}urlset")


def _add_url(urlset: ET.Element, location: str, lastmod: str, images: list[Image]) -> None:
    url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
    ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = location
    if lastmod:
        ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = lastmod[:10]
    for image in images:
        jpegs = image.variants_in("jpeg")
        if jpegs:
            entry = ET.SubElement(url, f"{{{IMAGE_NS}}}image")
            ET.SubElement(entry, f"{{{IMAGE_NS}}}loc").text = absolute(public_url(jpegs[-1].key))


@bp.get("/robots.txt")
def robots() -> Response:
    tag_current_page(tags.SITE)
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Disallow: /api/",
        "",
        f"Sitemap: {canonical('public.sitemap')}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")
