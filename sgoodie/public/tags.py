"""The public site's cache tags: one builder per tag, used by the views that put them on pages and by
the purge rules (`purges.py`) that drop them, and the paths each covers for CDN invalidations.

    site                every page (the settings and the navigation show on all of them)
    home                the home page
    page:<page id>      a page's own address (`home`, `about`, `personal-branding`, `work-<slug>`)
    category:<slug>     a category's page
    project:<id>        a project's page and the sitemap part listing it
    sitemap             the sitemap index and its pages part
    sitemap:<category>  the index and that category's parts (the set of listed projects changed)
"""

from __future__ import annotations

from ..cache import ALL_TAG
from ..domain import Project
from ..services import services
from ..stores.ordering import GAP

SITE = "site"
HOME = "home"
SITEMAP = "sitemap"


#: A sitemap part lists the listed projects of one category whose display order falls in one span:
#: new projects go to the end, GAP apart, so a part holds about SITEMAP_PART_SIZE. (Its address,
#: `/sitemap-<category>-<n>.xml`, is one of the paths its projects' tags cover.)
SITEMAP_PART_SIZE = 50
SITEMAP_PART_SPAN = SITEMAP_PART_SIZE * GAP


def sitemap_part_of(project: Project) -> int:
    return project.order // SITEMAP_PART_SPAN


def page(page_id: str) -> str:
    return f"page:{page_id}"


def category(slug: str) -> str:
    return f"category:{slug}"


def project(project_id: str) -> str:
    return f"project:{project_id}"


def sitemap(category_slug: str) -> str:
    return f"sitemap:{category_slug}"


def _page_paths(page_id: str) -> set[str]:
    """A page's own address. The sitemap's pages part lists the photos of the pages, and the home
    page shows personal branding's tile."""
    if page_id.startswith("work-"):
        return {f"/work/{page_id.removeprefix('work-')}"}
    paths = {"/" if page_id == "home" else f"/{page_id}", "/sitemap-pages.xml"}
    if page_id == "personal-branding":
        paths.add("/")
    return paths


def _project_paths(project_id: str) -> set[str]:
    """The project's current address and its sitemap part; once it is gone, so is its slug:
    every project page (its part goes with its category's `sitemap:` tag)."""
    found = services().store.get_project(project_id)
    if found is None:
        return {"/projects/*"}
    return {f"/projects/{found.slug}", f"/sitemap-{found.category}-{sitemap_part_of(found)}.xml"}


#: The paths each tag covers, for CDN invalidations. A route that moves takes its paths here with it.
CACHE_TAGS = {
    SITE: ["/*"],  # every page shows the site settings
    ALL_TAG: ["/*"],
    HOME: ["/"],
    SITEMAP: ["/sitemap.xml", "/sitemap-pages.xml"],
    "sitemap:*": lambda category: ["/sitemap.xml", f"/sitemap-{category}-*"],
    "category:*": lambda slug: [f"/work/{slug}"],
    "page:*": _page_paths,
    "project:*": _project_paths,
}
