"""The pages a visitor sees. Each view reads what it shows in at most three store calls and
declares the cache tags of that content (`tags.py`)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for

from .. import content, gallery_access
from ..blobs import is_private_key
from ..cache import tag_current_page
from ..domain import Page, Photo, Project, SiteSettings
from ..meta import simple_meta
from ..plugin_loader import registry
from ..services import services
from ..stores.paging import read_page
from . import layout, seo, tags

bp = Blueprint("public", __name__, template_folder="templates")

#: Projects per category page; "More projects" (a plain link, or appended in place by site.js)
#: shows the next ones.
CATEGORY_PAGE_SIZE = 24


@bp.app_context_processor
def layout_helpers():
    """The layouts and `sizes` of the photos (public/layout.py), for the public templates and the
    admin's preview of them."""
    return {"layout": layout}


def _shown(photo: Photo | None) -> Photo | None:
    return photo.shown_on_page if photo is not None else None


def load_pages(*page_ids: str) -> tuple[SiteSettings, dict[str, Page]]:
    """The site settings, the category list and the given pages in one store call."""
    pages = services().load_pages(*page_ids)  # keeps the settings and categories for the layout
    return services().site_settings(), pages


def in_visible_lists(project: Project) -> bool:
    """A listed project of a category visitors see (a hidden category's projects are in no list)."""
    return project.is_listed and project.category in services().visible_categories


def is_reachable(project: Project) -> bool:
    """Whether the project's own address answers: listed ones, and published unlisted projects and
    client galleries (whose links the photographer shares), whatever their category."""
    return in_visible_lists(project) or (project.published and not project.is_public)


@bp.get("/")
def home():
    settings, pages = load_pages("home", "personal-branding")  # branding's photo fills its tile
    home_page = pages["home"]
    tag_current_page(tags.SITE, tags.HOME, tags.page("home"), tags.page("personal-branding"))
    featured = [
        p
        for p in services().store.projects_by_ids(home_page.content.get("featured_order", []))
        if in_visible_lists(p) and p.featured
    ]
    return render_template(
        "public/home.html",
        page=home_page,
        phone_hero=layout.phone_hero_sources(_shown(home_page.photo("hero"))),
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
    tag_current_page(tags.SITE, tags.page(page_id))
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
    after = request.args.get("after", type=int)
    if "after" in request.args and after is None:
        abort(404)
    tag_current_page(tags.SITE, tags.category(category), tags.page(f"work-{category}"))
    # Published public projects only: the store's key says so (drafts, unlisted projects and client
    # galleries are not read at all).
    listed = partial(services().store.projects_page, category, listed_only=True)
    projects, beyond = read_page(listed, CATEGORY_PAGE_SIZE, after=after)
    more = projects[-1].order if beyond else None
    page = pages[f"work-{category}"]
    return render_template(
        "public/category.html",
        category=category,
        category_name=categories[category],
        page=page,
        projects=projects,
        more_url=url_for("public.category", category=category, after=more) if more is not None else "",
        continued=after is not None,
        meta=seo.category_meta(settings, category, categories[category], page, projects, after=after),
    )


@bp.route("/projects/<slug>", methods=["GET", "POST"])
def project(slug: str):
    store = services().store
    found = store.project_by_slug(slug)
    if found is None:
        moved_to = store.project_id_for_old_slug(slug)
        current = store.get_project(moved_to) if moved_to else None
        if current is not None and is_reachable(current):
            return redirect(url_for("public.project", slug=current.slug), code=301)
        abort(404)
    if not is_reachable(found):
        abort(404)
    if found.is_private:
        return client_gallery(found)
    if request.method == "POST":
        abort(405)
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
    if project is None or not in_visible_lists(project):
        abort(404)
    found = _neighbour(project, 1 if direction == "next" else -1)
    if found is None or found.id == project.id:  # the only project of its category
        return redirect(url_for("public.category", category=project.category))
    return redirect(url_for("public.project", slug=found.slug))


def _neighbour(project: Project, step: int) -> Project | None:
    """The next public project in the category's order (`projects_page` reads only published
    public ones: drafts, unlisted projects and client galleries are not read), going round the end;
    the project itself when it is the only one."""
    store = services().store
    for start in (project.order, BEFORE_FIRST if step > 0 else AFTER_LAST):
        side = {"after": start} if step > 0 else {"before": start}
        found = store.projects_page(project.category, listed_only=True, limit=1, **side)
        if found:
            return found[0] if step > 0 else found[-1]
    return None


def render_project(project: Project, *, preview: bool = False):
    """The project page; the admin's preview renders drafts through this same function. An
    unlisted project's page is not cached and asks search engines to skip it; a client gallery
    has a page of its own (`render_gallery`)."""
    if project.is_private:
        return render_gallery(project, preview=preview)
    settings = services().site_settings()
    photos = [p for p in services().store.photos_for_project(project.id) if project.shows(p)]
    if not preview and project.is_public:
        tag_current_page(tags.SITE, tags.project(project.id))
    categories = services().categories
    meta = seo.project_meta(settings, project, photos, categories.get(project.category, project.category))
    if not project.is_public:  # reachable by its link only: no canonical (noindex), no structured data
        meta = replace(meta, canonical="", json_ld=[])
    response = make_response(
        render_template(
            "public/project.html",
            project=project,
            photos=photos,
            category_name=categories.get(project.category, project.category),
            preview=preview,
            meta=meta,
        )
    )
    return response if project.is_public else gallery_access.unlisted_response(response)


# -- client galleries --------------------------------------------------------------------------
def _how_long(seconds: int) -> str:
    """A wait in words: seconds under a minute (a slowed-down gallery's turn), else minutes."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def client_gallery(project: Project):
    """A client gallery's address: the expired notice, the password form, or the gallery."""
    if gallery_access.is_expired(project):
        return _gallery_page("public/gallery_expired.html", project, status=410)
    if request.method == "POST":
        password = request.form.get("password", "")
        try:
            role = gallery_access.check_password(project, password) if password else ""
        except gallery_access.TooManyAttempts as exc:
            error = f"Too many attempts. Please wait {_how_long(exc.seconds)} and try again."
            return _gallery_page("public/gallery_password.html", project, status=429, error=error)
        if not role:
            error = "That password is not right. Check the message you were sent and try again."
            return _gallery_page("public/gallery_password.html", project, status=403, error=error)
        response = redirect(url_for("public.project", slug=project.slug), code=303)
        return gallery_access.private_response(gallery_access.grant(response, project, role))
    visitor = gallery_access.visitor(project)
    if visitor is None:
        return _gallery_page("public/gallery_password.html", project)
    if visitor["access_id"]:
        content.invitations.opened(project, visitor["access_id"])
    return render_gallery(project)


REFUSED_HEADINGS = {
    403: "This invitation was withdrawn",
    404: "This link opens nothing",
    410: "This invitation has ended",
}


@bp.get("/invitation/<project_id>/<invitation_id>/<secret>")
def invitation(project_id: str, invitation_id: str, secret: str):
    """One person's link to a client gallery: it gives them the gallery's grant for their own
    access and sends them on to the gallery's clean address, so the secret leaves the address
    bar and the history, and no Referer ever carries it."""
    project = services().store.get_project(project_id)
    try:
        invited = content.invitations.follow(
            project if project is not None and is_reachable(project) else None, invitation_id, secret
        )
    except content.invitations.Refused as exc:
        response = make_response(
            render_template(
                "public/invitation_refused.html",
                heading=REFUSED_HEADINGS[exc.status],
                message=str(exc),
                meta=replace(simple_meta("Private gallery"), canonical="", description=""),
            ),
            exc.status,
        )
    else:
        response = redirect(url_for("public.project", slug=project.slug), code=303)
        gallery_access.grant(response, project, invited.kind, access_id=invited.id)
    response.headers["Referrer-Policy"] = "no-referrer"
    return gallery_access.private_response(response)


def render_gallery(project: Project, *, preview: bool = False):
    """The gallery a client opened (or the photographer previews): every ready photo whose files
    are private already (a move in progress shows the rest once moved), linked through signed
    URLs; plugins may narrow them (the proofing plugin's sets)."""
    photos = [
        p
        for p in services().store.photos_for_project(project.id)
        if project.shows(p) and all(is_private_key(v.key) for v in p.variants)
    ]
    photos = registry(current_app).gallery_photos(project, photos)
    return _gallery_page("public/gallery.html", project, photos=photos, preview=preview)


def _gallery_page(template: str, project: Project, *, status: int = 200, **context):
    meta = replace(simple_meta(project.title), canonical="", description="")
    response = make_response(render_template(template, project=project, meta=meta, **context), status)
    return gallery_access.private_response(response)
