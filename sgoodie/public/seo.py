"""What search engines and link previews see: titles, descriptions, canonical URLs, Open Graph
and Twitter cards, and JSON-LD (the business, the photographer on the about page's ProfilePage,
projects as CreativeWork with each photo an ImageObject carrying its rights, breadcrumbs).

Every page gets a unique title and description: the admin's SEO fields when set, otherwise
sensible defaults built from the content. The `Meta` record itself is core (`sgoodie/meta.py`):
plugin pages get theirs through the plugin API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from ..domain import Image, Page, Photo, Project, Rights, SiteSettings
from ..file_urls import public_url
from ..meta import Meta, absolute, share_variant, title
from ..services import services
from ..text import plain_text

DESCRIPTION_LENGTH = 160


def canonical(endpoint: str, **values: Any) -> str:
    return absolute(url_for(endpoint, **values))


def business(settings: SiteSettings, image: Image | None = None) -> dict[str, Any]:
    """The photographer's business as a schema.org ProfessionalService run by a Person."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ProfessionalService",
        "@id": canonical("public.home") + "#business",
        "name": settings.business_name,
        "url": canonical("public.home"),
        "description": settings.default_seo_description or settings.tagline,
    }
    if settings.contact_email:
        data["email"] = settings.contact_email
    if settings.phone:
        data["telephone"] = settings.phone
    if settings.location:
        data["areaServed"] = settings.location
        data["address"] = {"@type": "PostalAddress", "addressLocality": settings.location}
    links = [url for _, url in settings.social_links()]
    if links:
        data["sameAs"] = links
    if settings.logo:
        data["logo"] = absolute(public_url(settings.logo_key("logo-120.webp")))
    if image is not None and share_variant(image):
        data["image"] = absolute(public_url(share_variant(image).key))
    data["founder"] = {"@id": photographer_id(), "@type": "Person", "name": photographer_name(settings)}
    return data


def photographer_id() -> str:
    return canonical("public.about") + "#photographer"


def photographer_name(settings: SiteSettings) -> str:
    """The person behind the business: the creator named in the settings, else the business name
    without its trade ("S.Goodie Photography" -> "S.Goodie")."""
    return settings.rights_creator or settings.business_name.replace(" Photography", "")


def photographer(settings: SiteSettings, page: Page, image: Image | None) -> dict[str, Any]:
    """The photographer as a schema.org Person (the about page's main entity)."""
    person: dict[str, Any] = {
        "@type": "Person",
        "@id": photographer_id(),
        "name": photographer_name(settings),
        "jobTitle": "Photographer",
        "url": canonical("public.about"),
        "worksFor": {"@id": canonical("public.home") + "#business", "name": settings.business_name},
    }
    bio = plain_text(page.content.get("bio"), DESCRIPTION_LENGTH)
    if bio:
        person["description"] = bio
    if image is not None and share_variant(image):
        person["image"] = absolute(public_url(share_variant(image).key))
    links = [url for _, url in settings.social_links()]
    if links:
        person["sameAs"] = links
    if settings.contact_email:
        person["email"] = settings.contact_email
    return person


def breadcrumbs(*trail: tuple[str, str]) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(trail, start=1)
        ],
    }


def image_object(image: Image, settings: SiteSettings, caption: str = "") -> dict[str, Any]:
    """A photo as a schema.org ImageObject with its rights: the ones written into its files
    (`Image.rights`), else the site's defaults, else the business. `license` and
    `acquireLicensePage` (Google's "Licensable" badge) only when known."""
    variant = share_variant(image)
    largest = image.variants_in("jpeg")[-1]
    rights = Rights.from_dict(image.rights).or_else(settings.rights_defaults(datetime.now(UTC).year))
    creator = rights.creator or photographer_name(settings)
    if creator == settings.business_name:  # the site's default: the business itself
        by = {"@type": "Organization", "@id": canonical("public.home") + "#business", "name": creator}
    else:
        by = {"@type": "Person", "name": creator}
    data: dict[str, Any] = {
        "@type": "ImageObject",
        "contentUrl": absolute(public_url(largest.key)),
        "thumbnailUrl": absolute(public_url(variant.key)),
        "width": largest.width,
        "height": largest.height,
        "creator": by,
        "creditText": rights.credit or creator,
        "copyrightNotice": rights.copyright or f"© {settings.business_name}",
    }
    if rights.license_url:
        data["license"] = rights.license_url
    if rights.acquire_url:
        data["acquireLicensePage"] = rights.acquire_url
    if caption or image.alt:
        data["caption"] = caption or image.alt
    return data


def home_meta(settings: SiteSettings, page: Page, featured: list[Project]) -> Meta:
    hero = page.image("hero") or next((p.shown_cover for p in featured if p.shown_cover), None)
    description = (
        page.seo_description
        or settings.default_seo_description
        or plain_text(page.content.get("intro"), DESCRIPTION_LENGTH)
        or f"{settings.business_name}: {', '.join(services().visible_categories.values()).lower()} and personal-branding photography."
    )
    name = page.seo_title or (
        f"{settings.business_name} — {settings.tagline}" if settings.tagline else settings.business_name
    )
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.business_name,
        "url": canonical("public.home"),
    }
    return Meta(
        name, description, canonical("public.home"), image=hero, json_ld=[business(settings, hero), website]
    )


PAGE_TITLES = {"about": "About", "personal-branding": "Personal Branding"}
PAGE_DESCRIPTIONS = {
    "about": "About {name}: the photographer, the approach and how a shoot works.",
    "personal-branding": "Personal branding photography by {name}: portraits and images for your website, press and social media.",
}


def page_meta(settings: SiteSettings, page: Page) -> Meta:
    image = page.image("portrait") or page.image("hero") or next(iter(page.image_list("gallery")), None)
    heading = page.content.get("heading") or PAGE_TITLES.get(page.id, page.id.title())
    description = (
        page.seo_description
        or plain_text(page.content.get("intro") or page.content.get("bio"), DESCRIPTION_LENGTH)
        or PAGE_DESCRIPTIONS.get(page.id, "").format(name=settings.business_name)
        or settings.default_seo_description
    )
    url = canonical("public.about") if page.id == "about" else canonical("public.personal_branding")
    ld = [business(settings, image), breadcrumbs(("Home", canonical("public.home")), (heading, url))]
    if page.id == "about":
        profile: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "name": heading,
            "url": url,
            "mainEntity": photographer(settings, page, image),
        }
        if page.updated_at and page.version:
            profile["dateModified"] = page.updated_at
        if image is not None:
            profile["primaryImageOfPage"] = image_object(image, settings)
        ld.append(profile)
    return Meta(
        title(page.seo_title or heading, settings),
        description,
        url,
        og_type="profile" if page.id == "about" else "website",
        image=image,
        json_ld=ld,
    )


def category_meta(
    settings: SiteSettings,
    category: str,
    name: str,
    page: Page,
    projects: list[Project],
    *,
    after: int | None = None,
) -> Meta:
    """`after`: a later page of the category (its own address, so each page is its own entry)."""
    url = canonical("public.category", category=category, **({"after": after} if after is not None else {}))
    description = (
        page.seo_description
        or plain_text(page.content.get("intro"), DESCRIPTION_LENGTH)
        or f"{name} photography by {settings.business_name}: selected projects."
    )
    cover = next((p.shown_cover for p in projects if p.shown_cover), None)
    collection = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": f"{name} photography",
        "url": url,
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": i,
                    "url": canonical("public.project", slug=p.slug),
                    "name": p.title,
                }
                for i, p in enumerate(projects, start=1)
            ],
        },
    }
    trail = breadcrumbs(("Home", canonical("public.home")), (name, url))
    return Meta(
        title(page.seo_title or f"{name} Photography", settings),
        description,
        url,
        image=cover,
        json_ld=[collection, trail],
    )


def project_meta(settings: SiteSettings, project: Project, photos: list[Photo], category_name: str) -> Meta:
    url = canonical("public.project", slug=project.slug)
    description = (
        project.seo_description
        or plain_text(project.description, DESCRIPTION_LENGTH)
        or f"{project.title}: {category_name.lower()} photography by {settings.business_name}."
    )
    shown = [(photo, photo.image()) for photo in photos if photo.variants and photo.is_shown]
    cover = project.shown_cover or (shown[0][1] if shown else None)
    work: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": project.title,
        "headline": project.title,
        "url": url,
        "description": plain_text(project.description) or description,
        "genre": f"{category_name} photography",
        "creator": {
            "@id": canonical("public.home") + "#business",
            "@type": "ProfessionalService",
            "name": settings.business_name,
        },
        "image": [image_object(image, settings, photo.caption) for photo, image in shown],
    }
    if project.published_at:
        work["datePublished"] = project.published_at[:10]
    if project.location:
        work["locationCreated"] = {"@type": "Place", "name": project.location}
    if project.client:
        work["sourceOrganization"] = {"@type": "Organization", "name": project.client}
    trail = breadcrumbs(
        ("Home", canonical("public.home")),
        (category_name, canonical("public.category", category=project.category)),
        (project.title, url),
    )
    return Meta(
        title(project.seo_title or project.title, settings),
        description,
        url,
        og_type="article",
        image=cover,
        json_ld=[work, trail],
    )
