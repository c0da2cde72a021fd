"""The pages a visitor sees. Each view reads what it shows in at most three store calls and
declares the cache tags of that content; `CACHE_TAGS` says which addresses each tag covers."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from ..cache import ALL_TAG, tag_current_page
from ..domain import Page, Project, SiteSettings, shown_page_photo
from ..services import services
from . import layout, seo

bp = Blueprint("public", __name__, template_folder="templates")


@bp.app_context_processor
def layout_helpers():
    """The layouts and `sizes` of the photos (public/layout.py), for the public templates and the
    admin's preview of them."""
    return {"layout": layout}


def _page_paths(page_id: str) -> set[str]:
    """A page's own address. The sitemap lists the photos of the pages it links, and the home
    page shows personal branding's tile."""
    if page_id.startswith("work-"):
        return {f"/work/{page_id.removeprefix('work-')}"}
    paths = {"/" if page_id == "home" else f"/{page_id}", "/sitemap.xml"}
    if page_id == "personal-branding":
        paths.add("/")
    return paths


def _project_paths(project_id: str) -> set[str]:
    """The project's current address; once it is gone, so is its slug: every project page."""
    project = services().store.get_project(project_id)
    return {f"/projects/{project.slug}"} if project else {"/projects/*"}


#: The tags the views below (and the sitemap) put on their pages, and the paths each one covers,
#: for CDN invalidations. A route that moves takes its paths here with it.
CACHE_TAGS = {
    "site": ["/*"],  # every page shows the site settings
    ALL_TAG: ["/*"],
    "home": ["/"],
    "sitemap": ["/sitemap.xml"],
    "category:*": lambda slug: [f"/work/{slug}"],
    "page:*": _page_paths,
    "project:*": _project_paths,
}


def load_pages(*page_ids: str) -> tuple[SiteSettings, dict[str, Page]]:
    """The site settings, the category list and the given pages in one store call."""
    pages = services().load_pages(*page_ids)  # keeps the settings and categories for the layout
    return services().site_settings(), pages


def is_listed(project: Project) -> bool:
    """Visitors see published projects of visible categories only."""
    return project.published and project.category in services().visible_categories


@bp.get("/")
def home():
    settings, pages = load_pages("home", "personal-branding")  # branding's photo fills its tile
    home_page = pages["home"]
    tag_current_page("site", "home", "page:home", "page:personal-branding")
    featured = [
        p
        for p in services().store.projects_by_ids(home_page.content.get("featured_order", []))
        if is_listed(p) and p.featured
    ]
    return render_template(
        "public/home.html",
        page=home_page,
        phone_hero=layout.phone_hero_sources(shown_page_photo(home_page.images.get("hero"))),
        branding=pages["personal-branding"],
        featured=featured,
        meta=seo.home_meta(settings, home_page, featured),
    )


@bp.get("/about")
def about():
    return _content_page("about", "public/about.html")


@bp.get("/personal-branding")
def personal_branding():
    return _content_page("personal-branding", "public/personal_branding.html")


def _content_page(page_id: str, template: str):
    settings, pages = load_pages(page_id)
    page = pages[page_id]
    tag_current_page("site", f"page:{page_id}")
    return render_template(template, page=page, meta=seo.page_meta(settings, page))


@bp.get("/work/<category>")
def category(category: str):
    settings, pages = load_pages(f"work-{category}")
    categories = services().visible_categories
    if category not in categories:
        renamed_to = services().category_list().renamed.get(category)
        if renamed_to in categories:
            return redirect(url_for("public.category", category=renamed_to), code=301)
        abort(404)
    tag_current_page("site", f"category:{category}", f"page:work-{category}")
    projects = services().store.projects_in_category(category, published_only=True)
    page = pages[f"work-{category}"]
    return render_template(
        "public/category.html",
        category=category,
        category_name=categories[category],
        page=page,
        projects=projects,
        meta=seo.category_meta(settings, category, categories[category], page, projects),
    )


@bp.get("/projects/<slug>")
def project(slug: str):
    store = services().store
    found = store.project_by_slug(slug)
    if found is None:
        moved_to = store.project_id_for_old_slug(slug)
        current = store.get_project(moved_to) if moved_to else None
        if current is not None and is_listed(current):
            return redirect(url_for("public.project", slug=current.slug), code=301)
        abort(404)
    if not is_listed(found):
        abort(404)
    return render_project(found)


# Display positions are positive: below or above every project, for wrapping around a category.
BEFORE_FIRST, AFTER_LAST = -1, 2**62


@bp.get("/projects/<slug>/<any(previous, next):direction>")
def adjacent_project(slug: str, direction: str):
    """The project before or after this one in its category (the links under a project page),
    going round from the last to the first. A redirect, so the project page itself reads no
    other project; never cached (it follows every reorder at once)."""
    store = services().store
    project = store.project_by_slug(slug)
    if project is None or not is_listed(project):
        abort(404)
    step = 1 if direction == "next" else -1
    found = store.adjacent_project(project.category, project.order, step) or store.adjacent_project(
        project.category, BEFORE_FIRST if step > 0 else AFTER_LAST, step
    )
    if found is None or found.id == project.id:  # the only project of its category
        return redirect(url_for("public.category", category=project.category))
    return redirect(url_for("public.project", slug=found.slug))


def render_project(project: Project, *, preview: bool = False):
    """The project page; the admin's preview renders drafts through this same function."""
    settings = services().site_settings()
    photos = [p for p in services().store.photos_for_project(project.id) if p.is_shown]
    if not preview:
        tag_current_page("site", f"project:{project.id}")
    categories = services().categories
    return render_template(
        "public/project.html",
        project=project,
        photos=photos,
        category_name=categories.get(project.category, project.category),
        preview=preview,
        meta=seo.project_meta(settings, project, photos, categories.get(project.category, project.category)),
    )
