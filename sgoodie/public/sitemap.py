"""`/sitemap.xml` (every public page, with an image entry for every published photo) and
`/robots.txt` pointing at it. Three store reads, none a scan: the pages, every published project,
every ready photo."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Response

from ..blobs import public_url
from ..cache import tag_current_page
from ..domain import PAGE_IDS, Image
from ..meta import absolute
from ..services import services
from .seo import canonical
from .views import bp

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
PAGE_ENDPOINTS = {
    "home": "public.home",
    "about": "public.about",
    "personal-branding": "public.personal_branding",
}


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    tag_current_page("sitemap", *(f"page:{page_id}" for page_id in PAGE_IDS))  # it lists the pages' photos
    store = services().store
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("image", IMAGE_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")

    pages = services().load_pages(*PAGE_IDS)  # the category list comes in the same read
    for page_id in PAGE_IDS:
        page = pages[page_id]
        images = [
            img for img in (page.image(slot) for slot in ("hero", "portrait")) if img
        ] + page.image_list("gallery")
        _add_url(urlset, canonical(PAGE_ENDPOINTS[page_id]), page.updated_at if page.version else "", images)

    published, projects = store.published_projects(), []
    for category in services().visible_categories:
        in_category = [p for p in published if p.category == category and p.is_public]
        projects += in_category
        newest = max((p.updated_at for p in in_category), default="")
        _add_url(
            urlset,
            canonical("public.category", category=category),
            newest,
            [p.shown_cover for p in in_category if p.shown_cover],
        )

    ready_by_project: dict[str, list] = {}
    for photo in store.photos_with_status("ready"):
        ready_by_project.setdefault(photo.project_id, []).append(photo)
    for project in projects:
        photos = sorted(ready_by_project.get(project.id, []), key=lambda p: p.order)
        _add_url(
            urlset,
            canonical("public.project", slug=project.slug),
            project.updated_at,
            [p.image() for p in photos if p.variants and p.is_shown],
        )

    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/xml")


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
    tag_current_page("site")
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
