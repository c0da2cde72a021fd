"""Content storage: one interface, two backends (SQLite for the embedded default, DynamoDB on AWS).

Everything above this package talks to `ContentStore` and never knows which backend runs. Both
implementations pass the same contract suite (tests/stores/test_contract.py).

Rules every implementation keeps:
- Updates are optimistic: the object passed in carries the `version` it was read at; if the stored
  version differs the store raises `StaleVersionError` and writes nothing. On success it returns the
  object with the new version and `updated_at`.
- Slugs are unique across projects; a changed slug keeps redirecting (`project_id_for_old_slug`).
- Lists come back in display order; reorders are one atomic write.
- Public reads never scan a table.
- A lookup by a key no record can have (empty, longer than `MAX_KEY_BYTES`, not valid Unicode:
  ids and slugs arrive from URLs and forms) finds nothing; it never reaches DynamoDB, which would
  refuse it with an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from ..domain import AdminUser, Page, Photo, PhotoStatus, Project

#: The statuses photos can be listed by: the ones that need attention (the dashboard, the sweeper).
#: Ready photos are not listed by status: every photo ends there, so such a list would be the whole
#: site (on DynamoDB, one index key every photo shares); `photos_missing_alt` lists the ready ones
#: that still need something.
LISTED_STATUSES = (
    PhotoStatus.UPLOADING,
    PhotoStatus.QUEUED,
    PhotoStatus.PROCESSING,
    PhotoStatus.FAILED,
    PhotoStatus.REPLACING,
)


def check_listed_status(status: str) -> None:
    if status not in LISTED_STATUSES:
        raise ValueError(f"photos are listed by status only while they need attention, not {status!r}")


#: The longest key value taken (DynamoDB: 1024 bytes in a sort key, 2048 in a partition key).
MAX_KEY_BYTES = 1024


def is_possible_key(value: object) -> bool:
    """Whether a record could have this key: a non-empty string of at most MAX_KEY_BYTES UTF-8."""
    if not isinstance(value, str) or not value:
        return False
    try:
        return len(value.encode("utf-8")) <= MAX_KEY_BYTES
    except UnicodeEncodeError:  # a lone surrogate
        return False


class StoreError(Exception):
    """Base class for store failures that callers are expected to handle."""


class NotFoundError(StoreError):
    pass


class StaleVersionError(StoreError):
    """The record changed since it was read: someone else saved first."""


class ConflictError(StoreError):
    """A uniqueness rule was broken (a slug or an email already in use)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def external_id_taken(external_id: str) -> str:
    return f"Another photo of this project already has the external id {external_id!r}."


class RecordStore(Protocol):
    """Small JSON records grouped in named collections: sign-in throttling, activity, plugin data.

    Keys sort as text within a collection. `expires_at` (epoch seconds) makes a record vanish
    after that moment (DynamoDB TTL; checked on read by both backends so expiry is exact).
    """

    def get(self, collection: str, key: str) -> dict[str, Any] | None: ...

    def put(
        self, collection: str, key: str, data: Mapping[str, Any], *, expires_at: int | None = None
    ) -> None: ...

    def delete(self, collection: str, key: str) -> None: ...

    def query(
        self, collection: str, *, prefix: str = "", newest_first: bool = False, limit: int | None = None
    ) -> list[tuple[str, dict[str, Any]]]: ...

    def increment(
        self, collection: str, key: str, field: str, amount: int = 1, *, expires_at: int | None = None
    ) -> int:
        """Atomically add `amount` to a numeric field, returning the new value. A missing (or
        expired) record is started from this increment, expiring at `expires_at`; a live record
        keeps its own expiry, so a time window counted this way starts with its first event and
        concurrent first events all count."""
        ...

    def expiry(self, collection: str, key: str) -> int | None:
        """When a live record expires (epoch seconds); None when it is missing or never expires."""
        ...


class ContentStore(Protocol):
    records: RecordStore

    # -- lifecycle -------------------------------------------------------------------------------
    def init_schema(self) -> None:
        """Create tables/indexes if missing. Idempotent."""

    def check(self) -> None:
        """Raise if the store cannot be reached (used by /healthz)."""

    def reindex(self, categories: Iterable[str]) -> int:
        """Bring the stored records of these categories up to the current key layout and recount
        them (after an upgrade: `sgoodie reindex`), one category and one project at a time, never
        a scan. Safe to run again; returns the number of projects seen."""

    # -- projects --------------------------------------------------------------------------------
    def create_project(self, project: Project) -> Project:
        """Store a new project at the end of its category. Raises ConflictError on a taken slug."""

    def get_project(self, project_id: str) -> Project | None: ...

    def project_by_slug(self, slug: str) -> Project | None:
        """The project whose *current* slug this is."""

    def project_id_for_old_slug(self, slug: str) -> str | None:
        """The project that used to have this slug, for redirects."""

    def projects_in_category(self, category: str, *, listed_only: bool = False) -> list[Project]:
        """In display order; `listed_only`: the listed ones (`Project.is_listed`, as `projects_page`)."""

    def projects_page(
        self,
        category: str,
        *,
        listed_only: bool = False,
        after: int | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[Project]:
        """Up to `limit` projects of the category in display order: the first ones, those right
        after the `order` value `after`, or those right before `before` (still in display order).
        Reads only what it returns: with `listed_only` (`Project.is_listed`: published public projects, what
        visitors' listings show), drafts, unlisted projects and client galleries are not read."""

    def project_counts(self) -> dict[str, dict[str, int]]:
        """{category: {"published": n, "drafts": m}}, kept on write: one small read, whatever the
        number of projects."""

    def swap_projects(self, category: str, first_id: str, second_id: str) -> None:
        """Exchange the display positions of two projects of the category (the up/down buttons),
        atomically; StaleVersionError when either left the category meanwhile."""

    def projects_by_ids(self, project_ids: Sequence[str]) -> list[Project]:
        """In the order given, skipping ids that no longer exist."""

    def update_project(self, project: Project) -> Project:
        """Save changes. A changed category moves it to the end of the new category."""

    def delete_project(self, project_id: str) -> list[Photo]:
        """Remove the project and its photos; returns the removed photos so their files can go too."""

    def reorder_projects(self, category: str, ordered_ids: Sequence[str]) -> None:
        """`ordered_ids` lists every project of the category in its new order, or a run of
        consecutive ones (a page of the admin list), which then trade their positions among
        themselves. ValueError when the ids are not such a run (someone changed the list)."""

    def move_category(self, old: str, new: str) -> list[Project]:
        """Give every project of category `old` the category `new` (a renamed category), keeping
        their display order; one write per project. Returns the moved projects."""

    # -- photos ----------------------------------------------------------------------------------
    def add_photo(self, photo: Photo) -> Photo:
        """Store a new photo at the end of its project."""

    def get_photo(self, photo_id: str) -> Photo | None: ...

    def photo_by_external_id(self, project_id: str, external_id: str) -> Photo | None:
        """The project's photo with this publishing client's key (`Photo.external_id`), one
        indexed read. The key is unique per project among the photos not in the trash: `add_photo`
        and `update_photo` raise ConflictError("external_id") for a taken one, also when two
        writers race; a photo moved to the trash frees its key."""

    def photos_for_project(self, project_id: str) -> list[Photo]:
        """In display order."""

    def photos_page(
        self, project_id: str, *, after: int | None = None, before: int | None = None, limit: int = 50
    ) -> list[Photo]:
        """Up to `limit` photos of the project in display order: the first ones, those right after
        the `order` value `after`, or right before `before` (for `paging.read_page`)."""

    def photos_with_status(self, status: str, *, limit: int | None = None) -> list[Photo]:
        """Photos in one of the LISTED_STATUSES, oldest change first (dashboard, sweeper)."""

    def photos_missing_alt(self, *, limit: int | None = None) -> list[Photo]:
        """Ready photos without alt text (visitors do not see them yet), oldest change first."""

    def update_photo(self, photo: Photo) -> Photo:
        """Save changes; also refreshes the project's cover copy when this photo is its cover."""

    def delete_photo(self, photo_id: str) -> Photo | None: ...

    def reorder_photos(self, project_id: str, ordered_ids: Sequence[str]) -> None: ...

    # -- pages and site settings -----------------------------------------------------------------
    def get_pages(self, page_ids: Iterable[str]) -> dict[str, Page]:
        """The requested pages in one round trip; missing ones come back empty (version 0)."""

    def save_page(self, page: Page, *, keep_updated_at: bool = False) -> Page:
        """Store the page (version checked); `keep_updated_at`: keep its own modification time
        rather than now (an import, so a moved site says when each page really changed)."""

    # -- admin users -----------------------------------------------------------------------------
    def create_admin(self, admin: AdminUser) -> AdminUser:
        """Raises ConflictError when the email is taken."""

    def get_admin(self, admin_id: str) -> AdminUser | None: ...

    def admin_by_email(self, email: str) -> AdminUser | None: ...

    def update_admin(self, admin: AdminUser) -> AdminUser: ...

    def list_admins(self) -> list[AdminUser]: ...
