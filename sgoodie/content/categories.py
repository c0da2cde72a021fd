"""Changing the work categories: create, rename (a new address moves its projects and redirects
the old one), hide, reorder, delete when empty. The list is one stored page (`categories`);
every change purges every cached page, since the navigation shows on all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .. import signals
from ..domain import CATEGORIES_PAGE_ID, Category, CategoryList, Page, ValidationError, slugify
from ..services import services, stored_categories
from ..stores.ordering import move_item
from . import activity
from .changes import retrying, sender


def read() -> CategoryList:
    """The latest stored category list (not the copy kept for the request)."""
    return stored_categories(services().store.get_pages([CATEGORIES_PAGE_ID])[CATEGORIES_PAGE_ID])


def _change(change: Callable[[CategoryList], None], what: str, *slugs: str) -> CategoryList:
    """Apply `change` to the latest list and store it (again when someone saved in between), then
    tell the cache: the navigation of every page and the sitemap change."""

    def write(categories: CategoryList) -> CategoryList:
        categories.validate()
        return CategoryList.from_page(services().store.save_page(categories.to_page()))

    stored = retrying(read, write, change, "The categories")
    services().forget_loaded_settings()
    activity.record(what)
    signals.categories_saved.send(sender(), categories=stored, slugs=set(slugs))
    return stored


def _free_slug(categories: CategoryList, slug: str, field: str = "slug") -> None:
    if categories.get(slug) is not None:
        raise ValidationError({field: f"The address '{slug}' is already used by another category."})


def create(name: str, slug: str = "", *, hidden: bool = False) -> Category:
    """A new category at the end of the navigation; its address is taken from the name unless
    given. A renamed category's old address it takes over stops redirecting."""
    slug = slug or slugify(name)
    category = Category(slug, name.strip(), hidden)

    def change(categories: CategoryList) -> None:
        _free_slug(categories, slug)
        categories.renamed.pop(slug, None)
        categories.items.append(replace(category))

    _change(change, f"Created the category “{category.name}”", slug)
    return category


def update(slug: str, *, name: str, new_slug: str, hidden: bool) -> Category:
    """Rename (name and/or address) and hide or show a category. A new address moves its projects
    (one write each, their order kept), its introduction page, and makes the old address redirect."""
    current = read()
    if current.get(slug) is None:
        raise ValidationError({"slug": "This category no longer exists."})
    new_slug = new_slug or slug
    if new_slug != slug:
        _free_slug(current, new_slug)
        CategoryList([Category(new_slug, name or "x")]).validate()  # a valid address before moving
        moved = services().store.move_category(slug, new_slug)
        for project in moved:
            signals.project_saved.send(sender(), project=project, previous=replace(project, category=slug))

    def change(categories: CategoryList) -> None:
        category = categories.get(slug) or categories.get(new_slug)
        if category is None:
            raise ValidationError({"slug": "This category no longer exists."})
        category.slug, category.name, category.hidden = new_slug, name.strip(), hidden
        if new_slug != slug:
            categories.renamed = {
                old: (new_slug if to == slug else to)
                for old, to in categories.renamed.items()
                if old != new_slug
            }
            categories.renamed[slug] = new_slug

    stored = _change(change, f"Edited the category “{name.strip()}”", slug, new_slug)
    if new_slug != slug:
        _move_page(slug, new_slug)
    return stored.get(new_slug)


def _move_page(old: str, new: str) -> None:
    store = services().store
    pages = store.get_pages([f"work-{old}", f"work-{new}"])
    source, target = pages[f"work-{old}"], pages[f"work-{new}"]
    if source.version:
        store.save_page(
            replace(source, id=target.id, version=target.version)
        )  # the introduction and search texts follow the category
        store.save_page(Page(source.id, version=source.version))
        for page in (source, target):
            signals.page_saved.send(sender(), page=page)


def move(slug: str, step: int) -> None:
    """One place up (-1) or down (+1) in the navigation."""

    def change(categories: CategoryList) -> None:
        slugs = move_item([c.slug for c in categories.items], slug, step)
        by_slug = {c.slug: c for c in categories.items}
        categories.items = [by_slug[s] for s in slugs]

    _change(change, "Reordered the categories", slug)


def delete(slug: str) -> None:
    """Remove an empty category; one with projects is refused (move or delete them first)."""
    count = sum(services().store.project_counts().get(slug, {}).values())
    if count:
        raise ValidationError(
            {
                "category": f"This category still has {count} project{'s' if count != 1 else ''}: "
                "move them to another category or delete them first."
            }
        )
    found = read().get(slug)
    name = found.name if found else slug

    def change(categories: CategoryList) -> None:
        category = categories.get(slug)
        if category is None:
            raise ValidationError({"category": "This category no longer exists."})
        categories.items.remove(category)
        categories.renamed = {old: to for old, to in categories.renamed.items() if to != slug}

    _change(change, f"Deleted the category “{name}”", slug)
    page = services().store.get_pages([f"work-{slug}"])[f"work-{slug}"]
    if page.version:  # a category created later at this address starts with a blank introduction
        services().store.save_page(Page(page.id, version=page.version))


def seed(defaults: dict[str, str]) -> None:
    """Store these categories (the demo's, a new site's) unless a list was saved already."""
    page = services().store.get_pages([CATEGORIES_PAGE_ID])[CATEGORIES_PAGE_ID]
    if page.version:
        return
    listed = CategoryList([Category(slug, name) for slug, name in defaults.items()])
    listed.validate()
    services().store.save_page(listed.to_page())
    services().forget_loaded_settings()
    signals.categories_saved.send(sender(), categories=listed, slugs=set(defaults))
