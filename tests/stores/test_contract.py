"""The contract every content store keeps (SQLite and DynamoDB run the same tests)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from sgoodie.domain import AdminUser, Page, Photo, Project
from sgoodie.stores import ConflictError, NotFoundError, StaleVersionError


def _project(store, title, category="interiors", **fields):
    return store.create_project(Project(title=title, category=category, **fields))


def _photo(store, project, **fields):
    fields.setdefault("status", "ready")
    return store.add_photo(Photo(project_id=project.id, **fields))


# -- projects ---------------------------------------------------------------------------------------
def test_create_and_read_a_project(content_store):
    created = _project(content_store, "Harbour Loft", description="Light *and* water", location="Lisbon")
    assert created.version == 1 and created.slug == "harbour-loft" and created.order > 0
    again = content_store.get_project(created.id)
    assert again == created
    assert content_store.project_by_slug("harbour-loft").id == created.id
    assert content_store.get_project("nope") is None and content_store.project_by_slug("nope") is None


def test_a_client_gallerys_visibility_password_expiry_and_grant_generation_round_trip(content_store):
    created = _project(
        content_store,
        "Smith Proofs",
        visibility="client",
        gallery_password_hash="scrypt:32768:8:1$salt$hash",
        gallery_expires_on="2026-12-31",
        gallery_epoch=3,
    )
    again = content_store.get_project(created.id)
    assert (again.visibility, again.gallery_password_hash, again.gallery_expires_on, again.gallery_epoch) == (
        "client",
        "scrypt:32768:8:1$salt$hash",
        "2026-12-31",
        3,
    )
    assert isinstance(again.gallery_epoch, int) and again.is_private and not again.is_public
    reset = content_store.update_project(replace(again, gallery_epoch=4, visibility="unlisted"))
    assert content_store.project_by_slug("smith-proofs") == reset
    assert reset.gallery_epoch == 4 and reset.visibility == "unlisted"


def test_slugs_are_unique(content_store):
    _project(content_store, "Harbour Loft")
    with pytest.raises(ConflictError) as caught:
        _project(content_store, "Harbour Loft")
    assert caught.value.field == "slug"
    other = _project(content_store, "Other")
    with pytest.raises(ConflictError):
        content_store.update_project(replace(other, slug="harbour-loft"))


def test_a_changed_slug_keeps_redirecting_and_can_be_reused(content_store):
    project = _project(content_store, "Old Name")
    moved = content_store.update_project(replace(project, slug="new-name"))
    assert content_store.project_by_slug("old-name") is None
    assert content_store.project_id_for_old_slug("old-name") == project.id
    assert content_store.project_id_for_old_slug("new-name") is None
    # Another project may take the old address; the redirect then gives way.
    newcomer = _project(content_store, "Old Name")
    assert content_store.project_by_slug("old-name").id == newcomer.id
    assert content_store.project_id_for_old_slug("old-name") is None
    back = content_store.update_project(replace(moved, slug="new-name-2"))
    assert content_store.project_id_for_old_slug("new-name") == back.id


def test_a_stale_project_update_is_refused_and_writes_nothing(content_store):
    project = _project(content_store, "Garden Villa")
    mine = replace(project, title="Mine")
    content_store.update_project(replace(project, title="Theirs"))
    with pytest.raises(StaleVersionError):
        content_store.update_project(mine)
    assert content_store.get_project(project.id).title == "Theirs"
    with pytest.raises(NotFoundError):
        content_store.update_project(replace(project, id="missing"))


def test_categories_list_in_display_order(content_store):
    a, b, c = (_project(content_store, name, "travel") for name in ("A", "B", "C"))
    content_store.update_project(replace(content_store.get_project(b.id), published=True))
    assert [p.title for p in content_store.projects_in_category("travel")] == ["A", "B", "C"]
    assert [p.title for p in content_store.projects_in_category("travel", listed_only=True)] == ["B"]
    assert content_store.projects_in_category("interiors") == []
    # Moving to another category puts it last there.
    _project(content_store, "D", "interiors")
    content_store.update_project(replace(content_store.get_project(a.id), category="interiors"))
    assert [p.title for p in content_store.projects_in_category("interiors")] == ["D", "A"]
    assert [p.title for p in content_store.projects_in_category("travel")] == ["B", "C"]


def test_a_page_of_projects_reads_only_what_it_returns(content_store, items_read):
    made = [_project(content_store, f"P{n}", "travel", published=n % 3 != 2) for n in range(9)]
    _project(content_store, "Elsewhere", "interiors", published=True)
    published = [p for p in made if p.published]
    items_read.reset()
    first = content_store.projects_page("travel", listed_only=True, limit=2)
    assert [p.id for p in first] == [p.id for p in published[:2]]
    assert items_read.count <= 2  # drafts are not read and thrown away: the key says "published"
    items_read.reset()
    rest = content_store.projects_page("travel", listed_only=True, after=first[-1].order, limit=10)
    assert [p.id for p in rest] == [p.id for p in published[2:]] and items_read.count <= len(rest)
    items_read.reset()
    before = content_store.projects_page("travel", before=made[5].order, limit=2)
    assert [p.id for p in before] == [made[3].id, made[4].id] and items_read.count <= 2
    between = content_store.projects_page(
        "travel", listed_only=True, after=made[0].order, before=made[7].order, limit=50
    )
    assert [p.id for p in between] == [p.id for p in published if made[0].order < p.order < made[7].order]
    # Unpublished: it leaves the published pages at once.
    content_store.update_project(replace(content_store.get_project(made[0].id), published=False))
    assert made[0].id not in [p.id for p in content_store.projects_page("travel", listed_only=True)]


def test_project_counts_are_kept_on_write(content_store, items_read):
    a = _project(content_store, "A", "travel")
    b = _project(content_store, "B", "travel", published=True)
    _project(content_store, "C", "interiors", published=True)
    expected = {"travel": {"published": 1, "drafts": 1}, "interiors": {"published": 1, "drafts": 0}}
    assert {k: v for k, v in content_store.project_counts().items() if any(v.values())} == expected
    content_store.update_project(replace(content_store.get_project(a.id), published=True))
    content_store.update_project(replace(content_store.get_project(b.id), category="interiors"))
    counts = content_store.project_counts()
    assert counts["travel"] == {"published": 1, "drafts": 0}
    assert counts["interiors"] == {"published": 2, "drafts": 0}
    content_store.delete_project(b.id)
    content_store.move_category("interiors", "weddings")
    counts = content_store.project_counts()
    assert counts["weddings"] == {"published": 1, "drafts": 0}
    assert not any(counts.get("interiors", {}).values())
    for n in range(30):
        _project(content_store, f"More {n}", "travel")
    items_read.reset()
    assert content_store.project_counts()["travel"] == {"published": 1, "drafts": 30}
    assert items_read.count <= 4  # one record per category and state, not one per project


def test_swapping_two_projects_reads_and_writes_only_them(content_store, items_read, writes):
    ids = [_project(content_store, f"S{n}", "travel").id for n in range(6)]
    items_read.reset()
    writes.clear()
    content_store.swap_projects("travel", ids[2], ids[3])
    assert [p.id for p in content_store.projects_in_category("travel")] == [
        ids[0],
        ids[1],
        ids[3],
        ids[2],
        ids[4],
        ids[5],
    ]
    assert len(writes) == 1
    with pytest.raises(StaleVersionError):
        content_store.swap_projects("interiors", ids[0], ids[1])


def test_creating_a_project_reads_one_item_of_its_category(content_store, items_read):
    for n in range(12):
        _project(content_store, f"Q{n}", "travel")
    items_read.reset()
    last = _project(content_store, "Last", "travel")
    assert items_read.count <= 2
    assert content_store.projects_in_category("travel")[-1].id == last.id


def test_reindex_recounts_and_keeps_every_listing(content_store):
    travel = [_project(content_store, f"R{n}", "travel", published=n != 0) for n in range(3)]
    _photo(content_store, travel[1])
    _photo(content_store, travel[1], alt_text="Described")
    counts = content_store.project_counts()
    assert content_store.reindex(["travel", "interiors"]) == 3
    assert content_store.reindex(["travel", "interiors"]) == 3  # again: nothing changes
    assert content_store.project_counts()["travel"] == counts["travel"] == {"published": 2, "drafts": 1}
    assert [p.id for p in content_store.projects_page("travel", listed_only=True)] == [
        travel[1].id,
        travel[2].id,
    ]
    assert len(content_store.photos_missing_alt()) == 1


def test_projects_by_ids_keeps_the_given_order(content_store):
    a, b = _project(content_store, "A"), _project(content_store, "B")
    assert [p.id for p in content_store.projects_by_ids([b.id, "gone", a.id])] == [b.id, a.id]
    assert content_store.projects_by_ids([]) == []


def test_reorder_projects(content_store):
    ids = [_project(content_store, f"P{n}", "brand-marketing").id for n in range(5)]
    wanted = [ids[3], ids[0], ids[1], ids[4], ids[2]]
    content_store.reorder_projects("brand-marketing", wanted)
    assert [p.id for p in content_store.projects_in_category("brand-marketing")] == wanted
    with pytest.raises(ValueError):  # a run with a gap is not a page of the list
        content_store.reorder_projects("brand-marketing", [wanted[0], wanted[2]])


def test_a_page_of_projects_is_reordered_among_itself(content_store, items_read):
    """The admin list is paged: dragging within a page reorders a run of consecutive projects;
    the others keep their places and are not read."""
    ids = [_project(content_store, f"W{n}", "brand-marketing").id for n in range(10)]
    items_read.reset()
    content_store.reorder_projects("brand-marketing", [ids[5], ids[3], ids[4]])
    assert items_read.count <= 2 * 3 + 2
    assert [p.id for p in content_store.projects_in_category("brand-marketing")] == [
        *ids[:3],
        ids[5],
        ids[3],
        ids[4],
        *ids[6:],
    ]
    with pytest.raises(ValueError):  # not consecutive: someone else changed the list meanwhile
        content_store.reorder_projects("brand-marketing", [ids[7], ids[1]])
    with pytest.raises(ValueError):
        content_store.reorder_projects("brand-marketing", [ids[0], "gone"])


def test_a_renamed_category_takes_its_projects_in_their_order(content_store):
    ids = [_project(content_store, f"W{n}", "travel", published=n != 1).id for n in range(4)]
    other = _project(content_store, "Stays", "interiors")
    content_store.reorder_projects("travel", [ids[2], ids[0], ids[3], ids[1]])
    moved = content_store.move_category("travel", "weddings")
    assert [p.id for p in moved] == [ids[2], ids[0], ids[3], ids[1]]
    assert content_store.projects_in_category("travel") == []
    listed = content_store.projects_in_category("weddings")
    assert [p.id for p in listed] == [ids[2], ids[0], ids[3], ids[1]]
    assert all(p.category == "weddings" and p.version == 2 for p in listed)
    assert [p.id for p in content_store.projects_in_category("weddings", listed_only=True)] == [
        ids[2],
        ids[0],
        ids[3],
    ]
    assert content_store.get_project(ids[0]).category == "weddings"
    assert content_store.project_by_slug("w0").category == "weddings"
    assert content_store.get_project(other.id).category == "interiors"
    with pytest.raises(StaleVersionError):  # an editor who opened a moved project saves nothing
        content_store.update_project(replace(listed[0], version=1, title="Stale"))
    assert content_store.move_category("travel", "anything") == []


def test_moving_one_project_rewrites_only_that_project_in_one_write(content_store, writes):
    ids = [_project(content_store, f"P{n}", "travel").id for n in range(8)]
    before = {p.id: p.order for p in content_store.projects_in_category("travel")}
    wanted = [ids[5]] + [i for i in ids if i != ids[5]]
    writes.clear()
    content_store.reorder_projects("travel", wanted)
    assert len(writes) == 1
    after = {p.id: p.order for p in content_store.projects_in_category("travel")}
    assert [i for i in ids if after[i] != before[i]] == [ids[5]]
    assert [p.id for p in content_store.projects_in_category("travel")] == wanted


def test_a_full_reversal_is_still_one_write(content_store, writes):
    ids = [_project(content_store, f"P{n}", "interiors").id for n in range(12)]
    for _ in range(3):  # repeated moves to the front use up the gaps and force a renumbering
        writes.clear()
        content_store.reorder_projects("interiors", ids[::-1])
        assert len(writes) == 1
        assert [p.id for p in content_store.projects_in_category("interiors")] == ids[::-1]
        ids = ids[::-1]
    writes.clear()
    content_store.reorder_projects("interiors", ids)  # unchanged: nothing to write
    assert len(writes) <= 1 and [p.id for p in content_store.projects_in_category("interiors")] == ids


def test_delete_project_removes_its_photos(content_store):
    project = _project(content_store, "Gone Soon")
    photos = [_photo(content_store, project) for _ in range(3)]
    removed = content_store.delete_project(project.id)
    assert sorted(p.id for p in removed) == sorted(p.id for p in photos)
    assert content_store.get_project(project.id) is None
    assert content_store.photos_for_project(project.id) == []
    assert content_store.get_photo(photos[0].id) is None
    _project(content_store, "Gone Soon")  # its address is free again


def test_deleting_a_project_frees_its_addresses_in_one_write_but_keeps_other_projects_claims(
    content_store, writes
):
    first = _project(content_store, "Old Name")
    first = content_store.update_project(replace(first, slug="new-name"))
    taker = _project(content_store, "Old Name")  # takes the first project's old address
    first = content_store.update_project(replace(first, slug="newest-name"))
    for _ in range(2):
        _photo(content_store, first)
    writes.clear()
    content_store.delete_project(first.id)
    assert len(writes) == 1
    assert content_store.project_by_slug("old-name").id == taker.id
    assert content_store.project_id_for_old_slug("new-name") is None
    assert content_store.project_by_slug("newest-name") is None
    _project(content_store, "New Name")
    _project(content_store, "Newest Name")


# -- photos -----------------------------------------------------------------------------------------
def test_photos_keep_their_order_and_can_be_reordered(content_store):
    project = _project(content_store, "Photos")
    ids = [_photo(content_store, project, alt_text=str(n)).id for n in range(4)]
    assert [p.id for p in content_store.photos_for_project(project.id)] == ids
    content_store.reorder_photos(project.id, ids[::-1])
    assert [p.id for p in content_store.photos_for_project(project.id)] == ids[::-1]
    assert content_store.get_photo(ids[0]).alt_text == "0"  # found by id after moving


def test_a_page_of_photos_reads_only_what_it_returns(content_store, items_read):
    project = _project(content_store, "Paged")
    other = _project(content_store, "Other")
    _photo(content_store, other)
    made = [_photo(content_store, project, alt_text=str(n)) for n in range(7)]
    items_read.reset()
    first = content_store.photos_page(project.id, limit=3)
    assert [p.id for p in first] == [p.id for p in made[:3]] and items_read.count <= 3
    items_read.reset()
    rest = content_store.photos_page(project.id, after=first[-1].order, limit=10)
    assert [p.id for p in rest] == [p.id for p in made[3:]] and items_read.count <= len(rest)
    before = content_store.photos_page(project.id, before=made[5].order, limit=2)
    assert [p.id for p in before] == [made[3].id, made[4].id]
    between = content_store.photos_page(project.id, after=made[0].order, before=made[3].order)
    assert [p.id for p in between] == [made[1].id, made[2].id]
    content_store.reorder_photos(project.id, [p.id for p in made][::-1])
    assert [p.id for p in content_store.photos_page(project.id, limit=2)] == [made[6].id, made[5].id]
    assert content_store.photos_page("no-such-project") == []


def test_photo_updates_are_versioned_and_keep_the_cover_copy_fresh(content_store):
    project = _project(content_store, "Covered")
    photo = _photo(content_store, project, status="processing")
    project = content_store.update_project(replace(project, cover_photo_id=photo.id))
    assert project.cover is None  # no variants yet
    ready = content_store.update_photo(replace(photo, status="ready", width=800, height=600, variants=[]))
    with pytest.raises(StaleVersionError):
        content_store.update_photo(replace(photo, alt_text="stale"))
    from sgoodie.domain import Variant

    with_variants = content_store.update_photo(
        replace(ready, variants=[Variant(320, 240, "jpeg", "k/320.jpg", 10)], alt_text="Hall")
    )
    cover = content_store.get_project(project.id).cover
    assert cover is not None and cover.alt == "Hall" and cover.variants[0].key == "k/320.jpg"
    assert content_store.get_project(project.id).version == project.version  # derived data: no version bump
    content_store.delete_photo(with_variants.id)
    assert content_store.get_project(project.id).cover is None


def test_a_photo_keeps_its_focal_point_and_the_cover_copy_follows_it(content_store):
    from sgoodie.domain import Variant

    project = _project(content_store, "Focused")
    plain = _photo(content_store, project)
    assert (plain.focal_x, plain.focal_y) == (0.5, 0.5)  # the centre until the photographer says
    photo = _photo(
        content_store, project, width=1600, height=1000, variants=[Variant(320, 200, "jpeg", "k/320.jpg", 10)]
    )
    project = content_store.update_project(replace(project, cover_photo_id=photo.id))
    moved = content_store.update_photo(replace(photo, focal_x=0.125, focal_y=0.8))
    again = content_store.get_photo(photo.id)
    assert (again.focal_x, again.focal_y) == (0.125, 0.8) and again.version == moved.version
    assert [(p.focal_x, p.focal_y) for p in content_store.photos_for_project(project.id)][1] == (0.125, 0.8)
    cover = content_store.get_project(project.id).cover
    assert (cover.focal_x, cover.focal_y) == (0.125, 0.8)
    assert cover.object_position == "12.5% 80%"
    listed = content_store.projects_in_category("interiors")[0].cover
    assert (listed.focal_x, listed.focal_y) == (0.125, 0.8)


def test_moving_one_photo_rewrites_only_that_photo_in_one_write(content_store, writes):
    project = _project(content_store, "Gallery")
    ids = [_photo(content_store, project).id for _ in range(6)]
    before = {p.id: p.order for p in content_store.photos_for_project(project.id)}
    wanted = ids[:1] + ids[2:] + ids[1:2]
    writes.clear()
    content_store.reorder_photos(project.id, wanted)
    assert len(writes) == 1
    after = {p.id: p.order for p in content_store.photos_for_project(project.id)}
    assert [i for i in ids if after[i] != before[i]] == [ids[1]]
    assert [p.id for p in content_store.photos_for_project(project.id)] == wanted
    with pytest.raises(ValueError):
        content_store.reorder_photos(project.id, wanted + ["stranger"])


def test_a_cover_from_another_project_is_dropped(content_store):
    mine, theirs = _project(content_store, "Mine"), _project(content_store, "Theirs")
    their_photo = _photo(content_store, theirs)
    saved = content_store.update_project(replace(mine, cover_photo_id=their_photo.id))
    assert saved.cover_photo_id == "" and saved.cover is None
    assert content_store.get_project(mine.id).cover_photo_id == ""


def test_photos_by_status(content_store):
    project = _project(content_store, "Statuses")
    queued = _photo(content_store, project, status="queued")
    _photo(content_store, project, status="ready")
    later = _photo(content_store, project, status="queued")
    assert [p.id for p in content_store.photos_with_status("queued")] == [queued.id, later.id]
    later = content_store.update_photo(replace(later, alt_text="touched"))  # still queued, changed last
    assert [p.id for p in content_store.photos_with_status("queued")] == [queued.id, later.id]
    content_store.update_photo(replace(later, status="processing"))
    content_store.update_photo(replace(queued, status="failed", error="broken"))
    assert content_store.photos_with_status("queued") == []
    assert content_store.photos_with_status("failed")[0].error == "broken"


def test_photos_by_status_take_a_limit_and_ready_ones_are_not_listed(content_store, items_read):
    project = _project(content_store, "Many")
    failed = [_photo(content_store, project, status="failed") for _ in range(5)]
    for _ in range(5):
        _photo(content_store, project, status="ready", alt_text="Described")
    items_read.reset()
    assert [p.id for p in content_store.photos_with_status("failed", limit=2)] == [p.id for p in failed[:2]]
    assert items_read.count <= 2
    with pytest.raises(ValueError):
        content_store.photos_with_status("ready")  # the whole site: never one list


def test_ready_photos_missing_alt_text_are_listed_on_their_own(content_store, items_read):
    project = _project(content_store, "Alt")
    for _ in range(6):
        _photo(content_store, project, status="ready", alt_text="Described")
    bare = [_photo(content_store, project, status="ready") for _ in range(3)]
    _photo(content_store, project, status="queued")  # not ready yet: listed by its status
    items_read.reset()
    assert [p.id for p in content_store.photos_missing_alt(limit=2)] == [p.id for p in bare[:2]]
    assert items_read.count <= 2
    content_store.update_photo(replace(bare[0], alt_text="Now described"))
    assert [p.id for p in content_store.photos_missing_alt()] == [p.id for p in bare[1:]]


def test_a_newest_first_query_with_a_limit_reads_only_that_many(content_store, items_read):
    for n in range(40):
        content_store.records.put("activity", f"2026-01-01T00:00:{n:02d}Z#x", {"what": str(n)})
    items_read.reset()
    newest = content_store.records.query("activity", newest_first=True, limit=5)
    assert [data["what"] for _, data in newest] == ["39", "38", "37", "36", "35"]
    assert items_read.count <= 5


def test_adding_a_photo_to_a_missing_project_fails(content_store):
    with pytest.raises(NotFoundError):
        content_store.add_photo(Photo(project_id="missing"))


def test_a_lookup_by_a_key_no_record_can_have_finds_nothing(content_store):
    """Ids and slugs come from URLs and forms: one that no record can have (empty, longer than
    DynamoDB takes, not Unicode) finds nothing, like any unknown id, and never reaches DynamoDB,
    which would refuse it with an error."""
    project = _project(content_store, "Real")
    for key in ("", "x" * 3000, "\ud800"):
        assert content_store.get_project(key) is None
        assert content_store.project_by_slug(key) is None
        assert content_store.project_id_for_old_slug(key) is None
        assert [p.id for p in content_store.projects_by_ids([key, project.id])] == [project.id]
        assert content_store.projects_by_ids([key]) == []
        assert content_store.get_photo(key) is None
        assert content_store.photos_for_project(key) == []
        assert content_store.get_admin(key) is None
        assert content_store.records.get("sessions", key) is None
        with pytest.raises(NotFoundError):
            content_store.add_photo(Photo(project_id=key))


# -- pages and admins -------------------------------------------------------------------------------
def test_the_category_list_is_one_page_read_with_the_site_settings(content_store):
    from sgoodie.domain import CATEGORIES_PAGE_ID, Category, CategoryList

    pages = content_store.get_pages(["site", CATEGORIES_PAGE_ID])
    assert CategoryList.from_page(pages[CATEGORIES_PAGE_ID]) == CategoryList()
    wanted = CategoryList([Category("weddings", "Weddings"), Category("travel", "Travel", hidden=True)])
    wanted.renamed = {"old-travel": "travel"}
    saved = content_store.save_page(wanted.to_page())
    again = CategoryList.from_page(content_store.get_pages([CATEGORIES_PAGE_ID])[CATEGORIES_PAGE_ID])
    assert again == replace(wanted, version=saved.version) and again.version == 1
    assert again.visible == {"weddings": "Weddings"}
    assert again.names == {"weddings": "Weddings", "travel": "Travel"}
    with pytest.raises(StaleVersionError):
        content_store.save_page(wanted.to_page())


def test_pages_round_trip_and_refuse_stale_saves(content_store):
    pages = content_store.get_pages(["home", "about"])
    assert pages["home"].version == 0 and pages["home"].content == {}
    home = content_store.save_page(
        replace(pages["home"], content={"headline": "Hello", "featured_order": ["a", "b"]})
    )
    assert home.version == 1
    assert content_store.get_pages(["home"])["home"].content["featured_order"] == ["a", "b"]
    with pytest.raises(StaleVersionError):
        content_store.save_page(replace(pages["home"], content={"headline": "Stale"}))
    with pytest.raises(StaleVersionError):
        content_store.save_page(Page("about", version=3))


def test_the_site_settings_tell_a_never_chosen_time_zone_from_a_chosen_utc(content_store):
    from sgoodie.domain import SiteSettings

    def read() -> SiteSettings:
        return SiteSettings.from_page(content_store.get_pages(["site"])["site"])

    assert (read().time_zone, read().time_zone_chosen) == ("UTC", False)  # a new site: never asked
    saved = content_store.save_page(SiteSettings().to_page())  # saved before choosing: still unasked
    assert read().time_zone_chosen is False
    content_store.save_page(replace(SiteSettings(time_zone_chosen=True), version=saved.version).to_page())
    assert (read().time_zone, read().time_zone_chosen) == ("UTC", True)  # UTC, chosen


def test_settings_saved_before_the_time_zone_question_count_as_chosen(content_store):
    from sgoodie.domain import SiteSettings

    content_store.save_page(Page("site", content={"business_name": "Old Site", "time_zone": "UTC"}))
    settings = SiteSettings.from_page(content_store.get_pages(["site"])["site"])
    assert settings.business_name == "Old Site"
    assert (settings.time_zone, settings.time_zone_chosen) == ("UTC", True)


def test_an_imported_page_keeps_its_own_modification_time(content_store):
    about = content_store.get_pages(["about"])["about"]
    kept = content_store.save_page(
        replace(about, updated_at="2021-03-04T05:06:07.000Z"), keep_updated_at=True
    )
    assert (
        content_store.get_pages(["about"])["about"].updated_at
        == kept.updated_at
        == "2021-03-04T05:06:07.000Z"
    )
    edited = content_store.save_page(replace(kept, content={"bio": "New"}))
    assert edited.updated_at > "2021-03-04T05:06:07.000Z"  # an edit is stamped now


def test_admins(content_store):
    admin = content_store.create_admin(AdminUser(email="a@example.com", password_hash="h"))
    with pytest.raises(ConflictError):
        content_store.create_admin(AdminUser(email="a@example.com", password_hash="h"))
    assert content_store.admin_by_email("A@example.com ").id == admin.id
    assert content_store.get_admin(admin.id).email == "a@example.com"
    renamed = content_store.update_admin(replace(admin, email="b@example.com"))
    assert content_store.admin_by_email("a@example.com") is None
    assert content_store.admin_by_email("b@example.com").id == admin.id
    with pytest.raises(StaleVersionError):
        content_store.update_admin(replace(admin, password_hash="stale"))
    other = content_store.create_admin(
        AdminUser(email="a@example.com", password_hash="h")
    )  # the old email is free
    assert [a.email for a in content_store.list_admins()] == ["a@example.com", "b@example.com"]
    assert renamed.version == 2
    with pytest.raises(ConflictError) as caught:
        content_store.update_admin(replace(other, email="b@example.com"))
    assert caught.value.field == "email"
    assert (
        content_store.get_admin(other.id).email == "a@example.com"
        and content_store.admin_by_email("b@example.com").id == admin.id
    )


# -- records ----------------------------------------------------------------------------------------
def test_records_put_get_delete_and_expire(content_store):
    records = content_store.records
    records.put("things", "a", {"n": 1, "text": "é"})
    assert records.get("things", "a") == {"n": 1, "text": "é"}
    records.put("things", "old", {"n": 2}, expires_at=int(time.time()) - 1)
    assert records.get("things", "old") is None
    assert [k for k, _ in records.query("things")] == ["a"]
    records.delete("things", "a")
    assert records.get("things", "a") is None


def test_records_query_by_prefix_order_and_limit(content_store):
    records = content_store.records
    for key in ("2026-01#b", "2026-01#a", "2026-02#c", "2025-12#z"):
        records.put("log", key, {"k": key})
    records.put("other", "2026-01#x", {})
    assert [k for k, _ in records.query("log", prefix="2026-01")] == ["2026-01#a", "2026-01#b"]
    assert [k for k, _ in records.query("log", newest_first=True, limit=2)] == ["2026-02#c", "2026-01#b"]
    records.put("log", "2026-03#expired", {}, expires_at=int(time.time()) - 1)
    assert [k for k, _ in records.query("log", newest_first=True, limit=1)] == [
        "2026-02#c"
    ]  # the limit counts live records
    assert [k for k, _ in records.query("log", prefix="2025")] == ["2025-12#z"]


def test_increment_is_atomic_and_restarts_after_expiry(content_store):
    records = content_store.records
    later = int(time.time()) + 60

    def bump():
        for _ in range(10):
            records.increment("counters", "k", "hits", expires_at=later)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert records.get("counters", "k")["hits"] == 40
    records.put("counters", "old", {"hits": 5}, expires_at=int(time.time()) - 1)
    assert records.increment("counters", "old", "hits", expires_at=later) == 1


def test_increment_keeps_a_live_records_expiry_and_starts_a_new_one_with_its_own(content_store):
    records = content_store.records
    now = int(time.time())
    assert records.increment("windows", "ip:1", "count", expires_at=now + 60) == 1
    assert records.increment("windows", "ip:1", "count", expires_at=now + 600) == 2  # not a new window
    assert records.expiry("windows", "ip:1") == now + 60
    records.put("windows", "ip:2", {"count": 3}, expires_at=now - 1)
    assert records.increment("windows", "ip:2", "count", expires_at=now + 90) == 1  # expired: starts again
    assert records.expiry("windows", "ip:2") == now + 90
    records.put("windows", "forever", {"count": 1})
    assert records.increment("windows", "forever", "count", expires_at=now + 60) == 2
    assert records.expiry("windows", "forever") is None and records.expiry("windows", "nothing") is None


def test_increment_adds_to_a_count_written_by_put(content_store):
    records = content_store.records
    until = int(time.time()) + 60
    records.put("windows", "ip:1", {"count": 0, "until": until, "label": "x"}, expires_at=until)
    assert records.increment("windows", "ip:1", "count") == 1
    records.put("windows", "ip:2", {"hits": 5})
    assert records.increment("windows", "ip:2", "hits", 2) == 7
    assert records.get("windows", "ip:1") == {"count": 1, "until": until, "label": "x"}
    assert records.increment("windows", "fresh", "count", 3) == 3
    assert records.get("windows", "fresh") == {"count": 3}
    records.put("windows", "ip:2", {"note": "replaced"})  # a put replaces the whole record, counters too
    assert records.get("windows", "ip:2") == {"note": "replaced"}


def test_a_photos_rights_and_rendering_round_trip_and_reach_the_cover_copy(content_store):
    from sgoodie.domain import Variant

    project = _project(content_store, "Credited")
    photo = _photo(content_store, project, status="processing")
    content_store.update_project(replace(project, cover_photo_id=photo.id))
    rights = {"creator": "Sam Goodie", "copyright": "© 2024 Sam Goodie", "license_url": "https://x.example/l"}
    stored = content_store.update_photo(
        replace(
            photo,
            status="ready",
            variants=[Variant(320, 240, "jpeg", "k/320-ab12cd34.jpg", 10)],
            alt_text="Hall",
            rights=rights,
            rights_source={"creator": "Sam Goodie"},
            rights_override={"license_url": "https://x.example/l"},
            rendering="jpeg88-4:4:4.webp88.avif70.p3",
        )
    )
    again = content_store.get_photo(stored.id)
    assert (again.rights, again.rights_source, again.rights_override, again.rendering) == (
        rights,
        {"creator": "Sam Goodie"},
        {"license_url": "https://x.example/l"},
        "jpeg88-4:4:4.webp88.avif70.p3",
    )
    assert content_store.get_project(project.id).cover.rights == rights  # the JSON-LD reads it there


def test_site_settings_numbers_and_flags_come_back_as_such(content_store):
    from sgoodie.domain import SITE_PAGE_ID, SiteSettings

    settings = SiteSettings(quality_preset="custom", jpeg_quality=91, avif_quality=55, wide_gamut=True)
    content_store.save_page(settings.to_page(content_store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]))
    back = SiteSettings.from_page(content_store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID])
    assert (back.jpeg_quality, back.avif_quality, back.wide_gamut) == (91, 55, True)
    assert type(back.jpeg_quality) is int and type(back.wide_gamut) is bool  # not DynamoDB's Decimal
    assert back.encoder_quality().signature == "jpeg91-4:2:0.webp80.avif55"


# -- revisions (kept in the records store: one collection, so one query by key, per item) -----------
def test_revisions_keep_who_when_and_the_fields_newest_first(content_store):
    from sgoodie.content.revisions import Revisions

    revisions = Revisions(content_store.records, keep=5)
    first = revisions.record("page", "about", {"bio": "First bio"}, "a@example.com")
    time.sleep(0.002)
    second = revisions.record("page", "about", {"bio": "Second bio"}, "b@example.com", "Restored")
    revisions.record("page", "home", {"headline": "Elsewhere"}, "a@example.com")
    history = revisions.history("page", "about")
    assert [(r.who, r.fields["bio"], r.note) for r in history] == [
        ("b@example.com", "Second bio", "Restored"),
        ("a@example.com", "First bio", ""),
    ]
    assert history[1].at == first.at and history[0].key == second.key
    assert revisions.get("page", "about", first.key).fields == {"bio": "First bio"}
    assert revisions.get("page", "about", "no-such-key") is None
    assert [r.fields for r in revisions.history("page", "home")] == [{"headline": "Elsewhere"}]


def test_only_the_last_n_revisions_of_an_item_are_kept(content_store):
    from sgoodie.content.revisions import Revisions

    revisions = Revisions(content_store.records, keep=3)
    for n in range(6):
        revisions.record("project", "p1", {"title": f"Title {n}"}, "")
        time.sleep(0.002)
    revisions.record("project", "p2", {"title": "Other"}, "")
    assert [r.fields["title"] for r in revisions.history("project", "p1")] == [
        "Title 5",
        "Title 4",
        "Title 3",
    ]
    assert len(revisions.history("project", "p2")) == 1


def test_a_trashed_projects_photos_come_back_in_display_order(content_store):
    """The trash keeps a project's photos one record each, keyed by display order."""
    project = _project(content_store, "Trashed")
    photos = [_photo(content_store, project, alt_text=f"Photo {n}") for n in range(3)]
    content_store.reorder_photos(project.id, [photos[2].id, photos[0].id, photos[1].id])
    ordered = content_store.photos_for_project(project.id)
    for photo in ordered:
        content_store.records.put("trash-photos:entry", f"{photo.order:012d}#{photo.id}", {"id": photo.id})
    assert [data["id"] for _, data in content_store.records.query("trash-photos:entry")] == [
        p.id for p in ordered
    ]
