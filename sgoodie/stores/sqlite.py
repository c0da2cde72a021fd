"""The embedded default: content in one SQLite file in the instance folder.

Each record is stored whole as JSON, with the columns that queries filter or sort on beside it.
WAL mode and `BEGIN IMMEDIATE` let several gunicorn workers share the file safely.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..domain import PROJECT_COUNT_KINDS, AdminUser, Page, Photo, Project, from_record, to_record, utcnow
from .base import (
    ConflictError,
    NotFoundError,
    StaleVersionError,
    check_listed_status,
    external_id_taken,
    is_possible_key,
)
from .ordering import next_order, plan_reorder, plan_window_reorder

SCHEMA = """
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    ord INTEGER NOT NULL,
    published INTEGER NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    listed INTEGER NOT NULL DEFAULT 0,  -- `Project.is_listed`, as visitors' lists read it
    kind TEXT NOT NULL DEFAULT 'drafts'  -- `Project.count_kind`, what its category's counts hold
);
CREATE INDEX IF NOT EXISTS projects_category_order ON projects (category, ord);
CREATE INDEX IF NOT EXISTS projects_listed_order ON projects (category, ord) WHERE listed = 1;
CREATE TABLE IF NOT EXISTS old_slugs (
    slug TEXT PRIMARY KEY,
    project_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS old_slugs_project ON old_slugs (project_id);
CREATE TABLE IF NOT EXISTS photos (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    external_id TEXT NOT NULL DEFAULT '',  -- a publishing client's key, unique in its project
    listed INTEGER NOT NULL DEFAULT 0  -- its project's `listed`, kept by the trigger below
);
CREATE INDEX IF NOT EXISTS photos_project_order ON photos (project_id, ord);
CREATE UNIQUE INDEX IF NOT EXISTS photos_external_id ON photos (project_id, external_id)
    WHERE external_id != '';
CREATE INDEX IF NOT EXISTS photos_status ON photos (status, updated_at);
{missing_alt_index};
{photos_follow_listing};
CREATE TABLE IF NOT EXISTS pages (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS admins (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    expires_at INTEGER,
    data TEXT NOT NULL,
    PRIMARY KEY (collection, key)
);
"""

# Ready photos without alt text in listed projects only (`Project.wants_alt_alarm`): a client
# gallery's hundreds of proofs would otherwise fill the dashboard's short list.
MISSING_ALT_INDEX = """CREATE INDEX IF NOT EXISTS photos_missing_alt ON photos (updated_at)
    WHERE status = 'ready' AND listed = 1 AND trim(json_extract(data, '$.alt_text')) = ''"""
# A project that joins or leaves the listing takes its photos along (one statement, whatever path
# changed it).
PHOTOS_FOLLOW_LISTING = """CREATE TRIGGER IF NOT EXISTS photos_follow_listing AFTER UPDATE OF listed ON projects
    WHEN OLD.listed != NEW.listed BEGIN
    UPDATE photos SET listed = NEW.listed WHERE project_id = NEW.id;
END"""
SCHEMA = SCHEMA.format(missing_alt_index=MISSING_ALT_INDEX, photos_follow_listing=PHOTOS_FOLLOW_LISTING)

# The number of projects per category and kind (`Project.count_kind`), kept on write by the
# database itself (so no write path can forget it); filled from the projects once, when the table
# is new.
COUNTS_SCHEMA = (
    """CREATE TABLE project_counts (
        category TEXT NOT NULL,
        kind TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (category, kind)
    )""",
    """INSERT INTO project_counts (category, kind, count)
        SELECT category, kind, count(*) FROM projects GROUP BY category, kind""",
    """CREATE TRIGGER project_counts_insert AFTER INSERT ON projects BEGIN
        INSERT INTO project_counts (category, kind, count) VALUES (NEW.category, NEW.kind, 1)
            ON CONFLICT (category, kind) DO UPDATE SET count = count + 1;
    END""",
    """CREATE TRIGGER project_counts_delete AFTER DELETE ON projects BEGIN
        UPDATE project_counts SET count = count - 1 WHERE category = OLD.category AND kind = OLD.kind;
    END""",
    """CREATE TRIGGER project_counts_update AFTER UPDATE OF category, kind ON projects
        WHEN OLD.category != NEW.category OR OLD.kind != NEW.kind BEGIN
        UPDATE project_counts SET count = count - 1 WHERE category = OLD.category AND kind = OLD.kind;
        INSERT INTO project_counts (category, kind, count) VALUES (NEW.category, NEW.kind, 1)
            ON CONFLICT (category, kind) DO UPDATE SET count = count + 1;
    END""",
)


def _listed_column(conn: sqlite3.Connection) -> None:
    """Sites made before `projects.listed`: the column, filled from each project's record, and
    the listing index on it (it used to repeat the rule in SQL)."""
    conn.execute("ALTER TABLE projects ADD COLUMN listed INTEGER NOT NULL DEFAULT 0")
    for row in conn.execute("SELECT data FROM projects").fetchall():
        project = _load(Project, row)
        conn.execute("UPDATE projects SET listed = ? WHERE id = ?", (int(project.is_listed), project.id))
    conn.execute("DROP INDEX IF EXISTS projects_listed_order")
    conn.execute("CREATE INDEX projects_listed_order ON projects (category, ord) WHERE listed = 1")


def _external_id_column(conn: sqlite3.Connection) -> None:
    """Sites made before `Photo.external_id`: the column (no photo had a key) and its unique index."""
    if _no_photos_table(conn):
        return  # `init_schema` makes the table as it is now
    conn.execute("ALTER TABLE photos ADD COLUMN external_id TEXT NOT NULL DEFAULT ''")
    conn.execute(
        "CREATE UNIQUE INDEX photos_external_id ON photos (project_id, external_id) WHERE external_id != ''"
    )


def _count_kinds_and_listed_photos(conn: sqlite3.Connection) -> None:
    """Sites made before the counts told client galleries and unlisted projects from the
    portfolio: `projects.kind` from each record and the counts by it; `photos.listed` from their
    project, and the missing-alt index on it."""
    conn.execute("ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT 'drafts'")
    for row in conn.execute("SELECT data FROM projects").fetchall():
        project = _load(Project, row)
        conn.execute("UPDATE projects SET kind = ? WHERE id = ?", (project.count_kind, project.id))
    for trigger in ("insert", "delete", "update"):
        conn.execute(f"DROP TRIGGER IF EXISTS project_counts_{trigger}")
    conn.execute("DROP TABLE IF EXISTS project_counts")
    for statement in COUNTS_SCHEMA:
        conn.execute(statement)
    if _no_photos_table(conn):
        return  # the schema makes it, as it is now
    conn.execute("ALTER TABLE photos ADD COLUMN listed INTEGER NOT NULL DEFAULT 0")
    conn.execute("UPDATE photos SET listed = (SELECT listed FROM projects WHERE id = photos.project_id)")
    conn.execute("DROP INDEX IF EXISTS photos_missing_alt")
    conn.execute(MISSING_ALT_INDEX)
    conn.execute(PHOTOS_FOLLOW_LISTING)


def _no_photos_table(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'photos'").fetchone()
        is None
    )


# Each step brings a database made by an older sgoodie up to date, in order, once: the first
# connection of a process runs those the file has not had (`PRAGMA user_version` counts them). A
# new database gets the current schema and counts them all as done.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _listed_column,
    _count_kinds_and_listed_photos,
    _external_id_column,
)


class SQLiteContentStore:
    def __init__(self, path: str | Path):
        self.path = str(path)
        self._local = threading.local()
        self.records = SQLiteRecordStore(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SQLiteContentStore:
        return cls(Path(config["INSTANCE_PATH"]) / "sgoodie.sqlite3")

    # -- connection handling ---------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        """One connection per thread; SQLite connections must not cross threads."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            self._migrate(conn)
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        done = conn.execute("PRAGMA user_version").fetchone()[0]
        if done >= len(MIGRATIONS):
            return
        with self.transaction():
            done = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have run them
            exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projects'")
            if exists.fetchone() is not None:
                for step in MIGRATIONS[done:]:
                    step(conn)
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (no upgrade deadlocks)."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def init_schema(self) -> None:
        conn = self.connection()
        conn.executescript(SCHEMA)
        with self.transaction():
            exists = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'project_counts'"
            ).fetchone()
            if not exists:
                for statement in COUNTS_SCHEMA:
                    conn.execute(statement)

    def reindex(self, categories: Iterable[str]) -> int:
        """Indexes and the triggers are the database's own; the counts and the photos' copy of
        their project's listing are redone."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM project_counts")
            conn.execute(COUNTS_SCHEMA[1])
            conn.execute(
                "UPDATE photos SET listed = (SELECT listed FROM projects WHERE id = photos.project_id)"
            )
            return conn.execute("SELECT count(*) FROM projects").fetchone()[0]

    def check(self) -> None:
        self.connection().execute("SELECT count(*) FROM projects").fetchone()

    # -- projects --------------------------------------------------------------------------------
    def create_project(self, project: Project) -> Project:
        with self.transaction() as conn:
            stored = replace(
                project,
                order=self._next_order(conn, project.category),
                version=1,
                updated_at=utcnow(),
                cover=None,
            )
            stored.cover = self._cover_copy(conn, stored)
            try:
                self._insert_project(conn, stored)
            except sqlite3.IntegrityError:
                raise ConflictError(
                    "slug", f"The address '{project.slug}' is already used by another project."
                ) from None
            conn.execute("DELETE FROM old_slugs WHERE slug = ?", (stored.slug,))
        return stored

    def get_project(self, project_id: str) -> Project | None:
        if not is_possible_key(project_id):
            return None
        row = self.connection().execute("SELECT data FROM projects WHERE id = ?", (project_id,)).fetchone()
        return _load(Project, row)

    def project_by_slug(self, slug: str) -> Project | None:
        if not is_possible_key(slug):
            return None
        row = self.connection().execute("SELECT data FROM projects WHERE slug = ?", (slug,)).fetchone()
        return _load(Project, row)

    def project_id_for_old_slug(self, slug: str) -> str | None:
        if not is_possible_key(slug):
            return None
        row = self.connection().execute("SELECT project_id FROM old_slugs WHERE slug = ?", (slug,)).fetchone()
        return row[0] if row else None

    def projects_in_category(self, category: str, *, listed_only: bool = False) -> list[Project]:
        sql = (
            "SELECT data FROM projects WHERE category = ?"
            + (" AND listed = 1" if listed_only else "")
            + " ORDER BY ord"
        )
        return [_load(Project, row) for row in self.connection().execute(sql, (category,))]

    def projects_page(
        self,
        category: str,
        *,
        listed_only: bool = False,
        after: int | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[Project]:
        where = "category = ?" + (" AND listed = 1" if listed_only else "")
        params: list[Any] = [category]
        if after is not None:
            where += " AND ord > ?"
            params.append(after)
        if before is not None:
            where += " AND ord < ?"
            params.append(before)
        direction = "DESC" if before is not None and after is None else "ASC"
        rows = self.connection().execute(
            f"SELECT data FROM projects WHERE {where} ORDER BY ord {direction} LIMIT ?", (*params, limit)
        )
        found = [_load(Project, row) for row in rows]
        return found[::-1] if direction == "DESC" else found

    def project_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for row in self.connection().execute("SELECT category, kind, count FROM project_counts"):
            entry = counts.setdefault(row["category"], dict.fromkeys(PROJECT_COUNT_KINDS, 0))
            entry[row["kind"]] = row["count"]
        return counts

    def swap_projects(self, category: str, first_id: str, second_id: str) -> None:
        with self.transaction() as conn:
            rows = {
                row["id"]: row
                for row in conn.execute(
                    "SELECT id, ord, data FROM projects WHERE category = ? AND id IN (?, ?)",
                    (category, first_id, second_id),
                )
            }
            if len(rows) != 2:
                raise StaleVersionError("The projects changed meanwhile; reload the page.")
            for this, other in ((first_id, second_id), (second_id, first_id)):
                order = rows[other]["ord"]
                project = replace(_load(Project, rows[this]), order=order)
                conn.execute(
                    "UPDATE projects SET ord = ?, data = ? WHERE id = ?", (order, _dump(project), this)
                )

    def projects_by_ids(self, project_ids: Sequence[str]) -> list[Project]:
        possible = [i for i in project_ids if is_possible_key(i)]
        if not possible:
            return []
        marks = ",".join("?" * len(possible))
        rows = self.connection().execute(f"SELECT id, data FROM projects WHERE id IN ({marks})", possible)
        found = {row["id"]: _load(Project, row) for row in rows}
        return [found[pid] for pid in project_ids if pid in found]

    def update_project(self, project: Project) -> Project:
        with self.transaction() as conn:
            row = conn.execute("SELECT data FROM projects WHERE id = ?", (project.id,)).fetchone()
            if row is None:
                raise NotFoundError(f"project {project.id} no longer exists")
            current: Project = _load(Project, row)
            if current.version != project.version:
                raise StaleVersionError("This project was changed by someone else since you opened it.")
            stored = replace(project, version=current.version + 1, updated_at=utcnow(), order=current.order)
            if stored.category != current.category:
                stored.order = self._next_order(conn, stored.category)
            stored.cover = self._cover_copy(conn, stored)
            try:
                conn.execute(
                    "UPDATE projects SET slug = ?, category = ?, ord = ?, published = ?, version = ?, data = ?,"
                    " listed = ?, kind = ? WHERE id = ?",
                    (
                        stored.slug,
                        stored.category,
                        stored.order,
                        int(stored.published),
                        stored.version,
                        _dump(stored),
                        int(stored.is_listed),
                        stored.count_kind,
                        stored.id,
                    ),
                )
            except sqlite3.IntegrityError:
                raise ConflictError(
                    "slug", f"The address '{stored.slug}' is already used by another project."
                ) from None
            if stored.slug != current.slug:
                conn.execute("DELETE FROM old_slugs WHERE slug = ?", (stored.slug,))
                conn.execute(
                    "INSERT OR REPLACE INTO old_slugs (slug, project_id) VALUES (?, ?)",
                    (current.slug, stored.id),
                )
        return stored

    def delete_project(self, project_id: str) -> list[Photo]:
        with self.transaction() as conn:
            photos = [
                _load(Photo, row)
                for row in conn.execute(
                    "SELECT data FROM photos WHERE project_id = ? ORDER BY ord", (project_id,)
                )
            ]
            conn.execute("DELETE FROM photos WHERE project_id = ?", (project_id,))
            conn.execute("DELETE FROM old_slugs WHERE project_id = ?", (project_id,))
            conn.execute("DELETE FROM projects WHERE id = ?", (project_id,))
        return photos

    def reorder_projects(self, category: str, ordered_ids: Sequence[str]) -> None:
        with self.transaction() as conn:
            marks = ",".join("?" * len(ordered_ids))
            current = [
                (row["id"], row["ord"])
                for row in conn.execute(
                    f"SELECT id, ord FROM projects WHERE category = ? AND id IN ({marks})",
                    (category, *ordered_ids),
                )
            ]
            if not current or len(current) != len(ordered_ids):
                raise ValueError("the new order must list every item exactly once")
            low, high = min(o for _, o in current), max(o for _, o in current)
            inside, total = conn.execute(
                "SELECT sum(ord BETWEEN ? AND ?), count(*) FROM projects WHERE category = ?",
                (low, high, category),
            ).fetchone()
            if inside != len(current):
                raise ValueError("the projects to reorder must be consecutive ones")
            plan = plan_reorder if total == len(current) else plan_window_reorder
            for project_id, order in plan(current, ordered_ids).items():
                row = conn.execute("SELECT data FROM projects WHERE id = ?", (project_id,)).fetchone()
                project = replace(_load(Project, row), order=order)
                conn.execute(
                    "UPDATE projects SET ord = ?, data = ? WHERE id = ?", (order, _dump(project), project_id)
                )

    def move_category(self, old: str, new: str) -> list[Project]:
        moved = []
        with self.transaction() as conn:
            for row in conn.execute(
                "SELECT data FROM projects WHERE category = ? ORDER BY ord", (old,)
            ).fetchall():
                current: Project = _load(Project, row)
                stored = replace(current, category=new, version=current.version + 1, updated_at=utcnow())
                conn.execute(
                    "UPDATE projects SET category = ?, version = ?, data = ? WHERE id = ?",
                    (new, stored.version, _dump(stored), stored.id),
                )
                moved.append(stored)
        return moved

    # -- photos ----------------------------------------------------------------------------------
    def add_photo(self, photo: Photo) -> Photo:
        if not is_possible_key(photo.project_id):
            raise NotFoundError(f"project {photo.project_id!r} does not exist")
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM projects WHERE id = ?", (photo.project_id,)).fetchone() is None:
                raise NotFoundError(f"project {photo.project_id} does not exist")
            last = conn.execute(
                "SELECT max(ord) FROM photos WHERE project_id = ?", (photo.project_id,)
            ).fetchone()[0]
            stored = replace(photo, order=next_order([last or 0]), version=1, updated_at=utcnow())
            with _external_id_unique(stored):
                conn.execute(
                    "INSERT INTO photos (id, project_id, ord, status, updated_at, version, data, external_id, listed)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT listed FROM projects WHERE id = ?))",
                    (
                        stored.id,
                        stored.project_id,
                        stored.order,
                        stored.status,
                        stored.updated_at,
                        stored.version,
                        _dump(stored),
                        stored.external_id,
                        stored.project_id,
                    ),
                )
        return stored

    def photo_by_external_id(self, project_id: str, external_id: str) -> Photo | None:
        if not is_possible_key(project_id) or not is_possible_key(external_id):
            return None
        row = (
            self.connection()
            .execute(
                "SELECT data FROM photos WHERE project_id = ? AND external_id = ?", (project_id, external_id)
            )
            .fetchone()
        )
        return _load(Photo, row)

    def get_photo(self, photo_id: str) -> Photo | None:
        if not is_possible_key(photo_id):
            return None
        row = self.connection().execute("SELECT data FROM photos WHERE id = ?", (photo_id,)).fetchone()
        return _load(Photo, row)

    def photos_for_project(self, project_id: str) -> list[Photo]:
        if not is_possible_key(project_id):
            return []
        rows = self.connection().execute(
            "SELECT data FROM photos WHERE project_id = ? ORDER BY ord", (project_id,)
        )
        return [_load(Photo, row) for row in rows]

    def photos_page(
        self, project_id: str, *, after: int | None = None, before: int | None = None, limit: int = 50
    ) -> list[Photo]:
        if not is_possible_key(project_id):
            return []
        low = after if after is not None else -(2**62)
        high = before if before is not None else 2**62
        backwards = before is not None and after is None
        rows = self.connection().execute(
            "SELECT data FROM photos WHERE project_id = ? AND ord > ? AND ord < ? "
            f"ORDER BY ord {'DESC' if backwards else 'ASC'} LIMIT ?",
            (project_id, low, high, limit),
        )
        found = [_load(Photo, row) for row in rows]
        return found[::-1] if backwards else found

    def photos_with_status(self, status: str, *, limit: int | None = None) -> list[Photo]:
        check_listed_status(status)
        rows = self.connection().execute(
            "SELECT data FROM photos WHERE status = ? ORDER BY updated_at LIMIT ?", (status, limit or -1)
        )
        return [_load(Photo, row) for row in rows]

    def photos_missing_alt(self, *, limit: int | None = None) -> list[Photo]:
        rows = self.connection().execute(
            # Named, because the planner prefers `photos_status` and then reads every ready photo.
            "SELECT data FROM photos INDEXED BY photos_missing_alt"
            " WHERE status = 'ready' AND listed = 1 AND trim(json_extract(data, '$.alt_text')) = ''"
            " ORDER BY updated_at LIMIT ?",
            (limit or -1,),
        )
        return [_load(Photo, row) for row in rows]

    def update_photo(self, photo: Photo) -> Photo:
        with self.transaction() as conn:
            row = conn.execute("SELECT data FROM photos WHERE id = ?", (photo.id,)).fetchone()
            if row is None:
                raise NotFoundError(f"photo {photo.id} no longer exists")
            current: Photo = _load(Photo, row)
            if current.version != photo.version:
                raise StaleVersionError("This photo was changed by someone else since you opened it.")
            stored = replace(
                photo,
                version=current.version + 1,
                updated_at=utcnow(),
                order=current.order,
                project_id=current.project_id,
            )
            with _external_id_unique(stored):
                conn.execute(
                    "UPDATE photos SET status = ?, updated_at = ?, version = ?, data = ?, external_id = ?"
                    " WHERE id = ?",
                    (
                        stored.status,
                        stored.updated_at,
                        stored.version,
                        _dump(stored),
                        stored.external_id,
                        stored.id,
                    ),
                )
            self._refresh_cover(conn, stored.project_id, stored.id)
        return stored

    def delete_photo(self, photo_id: str) -> Photo | None:
        with self.transaction() as conn:
            row = conn.execute("SELECT data FROM photos WHERE id = ?", (photo_id,)).fetchone()
            if row is None:
                return None
            photo: Photo = _load(Photo, row)
            conn.execute("DELETE FROM photos WHERE id = ?", (photo_id,))
            self._refresh_cover(conn, photo.project_id, photo_id)
        return photo

    def reorder_photos(self, project_id: str, ordered_ids: Sequence[str]) -> None:
        with self.transaction() as conn:
            current = [
                (row["id"], row["ord"])
                for row in conn.execute("SELECT id, ord FROM photos WHERE project_id = ?", (project_id,))
            ]
            for photo_id, order in plan_reorder(current, ordered_ids).items():
                row = conn.execute("SELECT data FROM photos WHERE id = ?", (photo_id,)).fetchone()
                photo = replace(_load(Photo, row), order=order)
                conn.execute(
                    "UPDATE photos SET ord = ?, data = ? WHERE id = ?", (order, _dump(photo), photo_id)
                )

    # -- pages -----------------------------------------------------------------------------------
    def get_pages(self, page_ids: Iterable[str]) -> dict[str, Page]:
        page_ids = list(page_ids)
        marks = ",".join("?" * len(page_ids))
        rows = (
            self.connection().execute(f"SELECT id, data FROM pages WHERE id IN ({marks})", page_ids)
            if page_ids
            else []
        )
        found = {row["id"]: _load(Page, row) for row in rows}
        return {page_id: found.get(page_id) or Page(page_id) for page_id in page_ids}

    def save_page(self, page: Page, *, keep_updated_at: bool = False) -> Page:
        with self.transaction() as conn:
            row = conn.execute("SELECT version FROM pages WHERE id = ?", (page.id,)).fetchone()
            current_version = row[0] if row else 0
            if current_version != page.version:
                raise StaleVersionError("This page was changed by someone else since you opened it.")
            stamp = page.updated_at if keep_updated_at and page.updated_at else utcnow()
            stored = replace(page, version=current_version + 1, updated_at=stamp)
            conn.execute(
                "INSERT OR REPLACE INTO pages (id, version, data) VALUES (?, ?, ?)",
                (stored.id, stored.version, _dump(stored)),
            )
        return stored

    # -- admins ----------------------------------------------------------------------------------
    def create_admin(self, admin: AdminUser) -> AdminUser:
        stored = replace(admin, version=1)
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO admins (id, email, version, data) VALUES (?, ?, ?, ?)",
                    (stored.id, stored.email, stored.version, _dump(stored)),
                )
        except sqlite3.IntegrityError:
            raise ConflictError("email", f"An admin with the email {admin.email} already exists.") from None
        return stored

    def get_admin(self, admin_id: str) -> AdminUser | None:
        if not is_possible_key(admin_id):
            return None
        return _load(
            AdminUser,
            self.connection().execute("SELECT data FROM admins WHERE id = ?", (admin_id,)).fetchone(),
        )

    def admin_by_email(self, email: str) -> AdminUser | None:
        row = (
            self.connection()
            .execute("SELECT data FROM admins WHERE email = ?", (email.strip().lower(),))
            .fetchone()
        )
        return _load(AdminUser, row)

    def update_admin(self, admin: AdminUser) -> AdminUser:
        with self.transaction() as conn:
            row = conn.execute("SELECT version FROM admins WHERE id = ?", (admin.id,)).fetchone()
            if row is None:
                raise NotFoundError(f"admin {admin.id} no longer exists")
            if row[0] != admin.version:
                raise StaleVersionError("This account was changed since it was read.")
            stored = replace(admin, version=admin.version + 1)
            try:
                conn.execute(
                    "UPDATE admins SET email = ?, version = ?, data = ? WHERE id = ?",
                    (stored.email, stored.version, _dump(stored), stored.id),
                )
            except sqlite3.IntegrityError:
                raise ConflictError(
                    "email", f"An admin with the email {admin.email} already exists."
                ) from None
        return stored

    def list_admins(self) -> list[AdminUser]:
        return [
            _load(AdminUser, row)
            for row in self.connection().execute("SELECT data FROM admins ORDER BY email")
        ]

    # -- the project's cover copy ----------------------------------------------------------------
    def _cover_copy(self, conn: sqlite3.Connection, project: Project):
        """The renderable image of the project's cover photo, or None (and the id cleared) if that
        photo is gone or belongs elsewhere."""
        if not project.cover_photo_id:
            return None
        row = conn.execute(
            "SELECT data FROM photos WHERE id = ? AND project_id = ?", (project.cover_photo_id, project.id)
        ).fetchone()
        if row is None:
            project.cover_photo_id = ""
            return None
        return _load(Photo, row).image()

    def _refresh_cover(self, conn: sqlite3.Connection, project_id: str, photo_id: str) -> None:
        """Keep the project's cover copy in step with its cover photo. Derived data: the project's
        version does not change, so an admin editing the project is not interrupted."""
        row = conn.execute("SELECT data FROM projects WHERE id = ?", (project_id,)).fetchone()
        project = _load(Project, row)
        if project is None or project.cover_photo_id != photo_id:
            return
        project.cover = self._cover_copy(conn, project)
        conn.execute("UPDATE projects SET data = ? WHERE id = ?", (_dump(project), project_id))

    @staticmethod
    def _next_order(conn: sqlite3.Connection, category: str) -> int:
        last = conn.execute("SELECT max(ord) FROM projects WHERE category = ?", (category,)).fetchone()[0]
        return next_order([last or 0])

    def _insert_project(self, conn: sqlite3.Connection, project: Project) -> None:
        conn.execute(
            "INSERT INTO projects (id, slug, category, ord, published, version, data, listed, kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project.id,
                project.slug,
                project.category,
                project.order,
                int(project.published),
                project.version,
                _dump(project),
                int(project.is_listed),
                project.count_kind,
            ),
        )


class SQLiteRecordStore:
    """Expired records are invisible at once and deleted now and then by the writes (DynamoDB's
    TTL does that there), so short-lived records (sessions, throttling windows, the failed sign-in
    log) do not grow the file forever."""

    PRUNE_EVERY_SECONDS = 600

    def __init__(self, store: SQLiteContentStore):
        self._store = store
        self._pruned_at = float("-inf")  # the first write of a process prunes

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self._pruned_at < self.PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        self._store.connection().execute(
            "DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?", (int(time.time()),)
        )

    def get(self, collection: str, key: str) -> dict[str, Any] | None:
        if not is_possible_key(key):
            return None
        row = (
            self._store.connection()
            .execute(
                "SELECT data FROM records WHERE collection = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
                (collection, key, int(time.time())),
            )
            .fetchone()
        )
        return json.loads(row[0]) if row else None

    def put(
        self, collection: str, key: str, data: Mapping[str, Any], *, expires_at: int | None = None
    ) -> None:
        self._store.connection().execute(
            "INSERT OR REPLACE INTO records (collection, key, expires_at, data) VALUES (?, ?, ?, ?)",
            (collection, key, expires_at, json.dumps(dict(data))),
        )
        self._prune_now_and_then()

    def delete(self, collection: str, key: str) -> None:
        self._store.connection().execute(
            "DELETE FROM records WHERE collection = ? AND key = ?", (collection, key)
        )

    def query(
        self, collection: str, *, prefix: str = "", newest_first: bool = False, limit: int | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        sql = (
            "SELECT key, data FROM records WHERE collection = ? AND key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?)"
            f" ORDER BY key {'DESC' if newest_first else 'ASC'}"
        )
        params: list[Any] = [collection, prefix, prefix + "\U0010ffff", int(time.time())]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [
            (row["key"], json.loads(row["data"])) for row in self._store.connection().execute(sql, params)
        ]

    def increment(
        self, collection: str, key: str, field: str, amount: int = 1, *, expires_at: int | None = None
    ) -> int:
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT data, expires_at FROM records WHERE collection = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
                (collection, key, int(time.time())),
            ).fetchone()
            data = json.loads(row["data"]) if row else {}
            data[field] = int(data.get(field, 0)) + amount
            if row is not None:
                expires_at = row["expires_at"]  # a live record keeps its own expiry
            conn.execute(
                "INSERT OR REPLACE INTO records (collection, key, expires_at, data) VALUES (?, ?, ?, ?)",
                (collection, key, expires_at, json.dumps(data)),
            )
        return data[field]

    def expiry(self, collection: str, key: str) -> int | None:
        row = (
            self._store.connection()
            .execute(
                "SELECT expires_at FROM records WHERE collection = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
                (collection, key, int(time.time())),
            )
            .fetchone()
        )
        return int(row[0]) if row and row[0] is not None else None


@contextmanager
def _external_id_unique(photo: Photo) -> Iterator[None]:
    """The unique index's refusal, as the store's ConflictError (the only unique rule on photos)."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        if "external_id" not in str(exc):
            raise
        raise ConflictError("external_id", external_id_taken(photo.external_id)) from None


def _dump(obj: Any) -> str:
    return json.dumps(to_record(obj), separators=(",", ":"))


def _load(cls: type, row: sqlite3.Row | None) -> Any:
    return from_record(cls, json.loads(row["data"])) if row is not None else None
