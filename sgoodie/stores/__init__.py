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

from ..domain import AdminUser, Page, Photo, Project

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

    # -- projects --------------------------------------------------------------------------------
    def create_project(self, project: Project) -> Project:
        """Store a new project at the end of its category. Raises ConflictError on a taken slug."""

    def get_project(self, project_id: str) -> Project | None: ...

    def project_by_slug(self, slug: str) -> Project | None:
        """The project whose *current* slug this is."""

    def project_id_for_old_slug(self, slug: str) -> str | None:
        """The project that used to have this slug, for redirects."""

    def projects_in_category(self, category: str, *, published_only: bool = False) -> list[Project]:
        """In display order."""

    def published_projects(self) -> list[Project]:
        """Every published project, by category then display order, in one read (the sitemap)."""

    def adjacent_project(self, category: str, order: int, step: int) -> Project | None:
        """The published project of the category that comes right after display position `order`
        (`step` 1) or right before it (`step` -1); None past the end. Reads only as far as it."""

    def projects_by_ids(self, project_ids: Sequence[str]) -> list[Project]:
        """In the order given, skipping ids that no longer exist."""

    def update_project(self, project: Project) -> Project:
        """Save changes. A changed category moves it to the end of the new category."""

    def delete_project(self, project_id: str) -> list[Photo]:
        """Remove the project and its photos; returns the removed photos so their files can go too."""

    def reorder_projects(self, category: str, ordered_ids: Sequence[str]) -> None:
        """`ordered_ids` lists every project of the category in its new order."""

    def move_category(self, old: str, new: str) -> list[Project]:
        """Give every project of category `old` the category `new` (a renamed category), keeping
        their display order; one write per project. Returns the moved projects."""

    # -- photos ----------------------------------------------------------------------------------
    def add_photo(self, photo: Photo) -> Photo:
        """Store a new photo at the end of its project."""

    def get_photo(self, photo_id: str) -> Photo | None: ...

    def photos_for_project(self, project_id: str) -> list[Photo]:
        """In display order."""

    def photos_with_status(self, status: str) -> list[Photo]:
        """Every photo in that status, oldest change first (dashboard, sweeper, sitemap)."""

    def update_photo(self, photo: Photo) -> Photo:
        """Save changes; also refreshes the project's cover copy when this photo is its cover."""

    def delete_photo(self, photo_id: str) -> Photo | None: ...

    def reorder_photos(self, project_id: str, ordered_ids: Sequence[str]) -> None: ...

    # -- pages and site settings -----------------------------------------------------------------
    def get_pages(self, page_ids: Iterable[str]) -> dict[str, Page]:
        """The requested pages in one round trip; missing ones come back empty (version 0)."""

    def save_page(self, page: Page) -> Page: ...

    # -- admin users -----------------------------------------------------------------------------
    def create_admin(self, admin: AdminUser) -> AdminUser:
        """Raises ConflictError when the email is taken."""

    def get_admin(self, admin_id: str) -> AdminUser | None: ...

    def admin_by_email(self, email: str) -> AdminUser | None: ...

    def update_admin(self, admin: AdminUser) -> AdminUser: ...

    def list_admins(self) -> list[AdminUser]: ...


def create_store(config: Mapping[str, Any]) -> ContentStore:
    """The store the configuration asks for."""
    if config["BACKEND"] == "aws":
        from .dynamodb import DynamoContentStore

        return DynamoContentStore.from_config(config)
    from .sqlite import SQLiteContentStore

    return SQLiteContentStore.from_config(config)
