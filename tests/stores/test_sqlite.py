"""What only the SQLite store does: deleting expired records (DynamoDB's TTL does it there), and
reading its short lists through their own indexes, and bringing a database made by an older
sgoodie up to date."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import replace

from sgoodie.domain import Photo, Project, to_record
from sgoodie.stores.sqlite import MIGRATIONS, SQLiteContentStore


def test_expired_records_are_deleted_from_the_file_not_only_hidden(tmp_path):
    store = SQLiteContentStore(tmp_path / "s.sqlite3")
    store.init_schema()
    records = store.records
    for n in range(50):
        records.put(
            "sign-in-failures", f"old-{n}", {"address": "203.0.113.66"}, expires_at=int(time.time()) - 1
        )
    records.put("admin-sessions", "live", {"admin_id": "a"}, expires_at=int(time.time()) + 60)
    records._pruned_at = float("-inf")  # as if the last prune was long ago
    records.put("activity", "now", {"what": "saved"})
    rows = store.connection().execute("SELECT collection, key FROM records ORDER BY key").fetchall()
    assert [tuple(row) for row in rows] == [("admin-sessions", "live"), ("activity", "now")]


def test_photos_waiting_for_alt_text_are_read_through_their_partial_index(tmp_path, monkeypatch):
    """SQLite's planner preferred `photos_status` and read every ready photo of the site to find
    the dashboard's 60 (27 ms at 20,000 photos, against 2.5 ms through the partial index)."""
    store = SQLiteContentStore(tmp_path / "s.sqlite3")
    store.init_schema()
    connection = store.connection()
    plans: list[str] = []

    class Explaining:
        def execute(self, sql, params=()):
            if sql.lstrip().startswith("SELECT"):
                plans.extend(row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
            return connection.execute(sql, params)

    monkeypatch.setattr(store, "connection", lambda: Explaining())
    assert store.photos_missing_alt(limit=60) == []
    assert plans == ["SCAN photos USING INDEX photos_missing_alt"]


def test_a_database_made_before_the_listed_column_is_brought_up_to_date_on_first_use(tmp_path):
    """Sites made by an older sgoodie: the first connection adds `projects.listed` from each
    project's record and moves the listing index onto it; a second process finds nothing to do."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE projects (id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, category TEXT NOT NULL,
            ord INTEGER NOT NULL, published INTEGER NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
        CREATE INDEX projects_listed_order ON projects (category, ord)
            WHERE published = 1 AND coalesce(json_extract(data, '$.visibility'), 'public') = 'public';
        """
    )
    for project in (
        Project(title="Listed", category="travel", published=True, order=1024),
        Project(title="Unlisted", category="travel", published=True, visibility="unlisted", order=2048),
        Project(title="Draft", category="travel", order=3072),
    ):
        old.execute(
            "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                project.id,
                project.slug,
                project.category,
                project.order,
                int(project.published),
                1,
                json.dumps(to_record(project)),
            ),
        )
    old.commit()
    old.close()

    store = SQLiteContentStore(path)
    store.init_schema()
    assert [p.title for p in store.projects_page("travel", listed_only=True)] == ["Listed"]
    assert [p.title for p in store.projects_page("travel")] == ["Listed", "Unlisted", "Draft"]
    plan = (
        store.connection()
        .execute(
            "EXPLAIN QUERY PLAN SELECT data FROM projects WHERE category = ? AND listed = 1 ORDER BY ord",
            ("travel",),
        )
        .fetchall()
    )
    assert "projects_listed_order" in " ".join(row[-1] for row in plan)
    assert store.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    again = SQLiteContentStore(path)  # another process: already done
    assert [p.title for p in again.projects_page("travel", listed_only=True)] == ["Listed"]


def test_a_database_counting_published_projects_only_is_brought_up_to_date_on_first_use(tmp_path):
    """Sites made before client galleries and unlisted projects had their own counts: the first
    connection counts each project by its kind, and lists only listed projects' photos as waiting
    for alt text (a client gallery's proofs used to fill the dashboard's list)."""
    path = tmp_path / "v1.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE projects (id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, category TEXT NOT NULL,
            ord INTEGER NOT NULL, published INTEGER NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
            listed INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE photos (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, ord INTEGER NOT NULL,
            status TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
        CREATE INDEX photos_missing_alt ON photos (updated_at)
            WHERE status = 'ready' AND trim(json_extract(data, '$.alt_text')) = '';
        CREATE TABLE project_counts (category TEXT NOT NULL, published INTEGER NOT NULL,
            count INTEGER NOT NULL, PRIMARY KEY (category, published));
        CREATE TRIGGER project_counts_insert AFTER INSERT ON projects BEGIN
            INSERT INTO project_counts (category, published, count) VALUES (NEW.category, NEW.published, 1)
                ON CONFLICT (category, published) DO UPDATE SET count = count + 1;
        END;
        PRAGMA user_version = 1;
        """
    )
    projects = [
        Project(title="Portfolio", category="weddings", published=True, order=1024),
        Project(title="Proofs", category="weddings", published=True, visibility="client", order=2048),
        Project(title="Link", category="weddings", published=True, visibility="unlisted", order=3072),
    ]
    for project in projects:
        old.execute(
            "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project.id,
                project.slug,
                project.category,
                project.order,
                1,
                1,
                json.dumps(to_record(project)),
                int(project.is_listed),
            ),
        )
        photo = Photo(project_id=project.id, status="ready", order=1024)
        old.execute(
            "INSERT INTO photos VALUES (?, ?, ?, ?, ?, ?, ?)",
            (photo.id, project.id, 1024, "ready", photo.updated_at, 1, json.dumps(to_record(photo))),
        )
    old.commit()
    assert old.execute("SELECT published, count FROM project_counts").fetchall() == [(1, 3)]
    old.close()

    store = SQLiteContentStore(path)
    store.init_schema()
    assert store.project_counts()["weddings"] == {"published": 1, "unlisted": 1, "client": 1, "drafts": 0}
    assert [p.project_id for p in store.photos_missing_alt()] == [projects[0].id]
    assert store.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    # The triggers of the new layout keep them from now on.
    proofs = store.get_project(projects[1].id)
    store.update_project(replace(proofs, visibility="public"))
    assert store.project_counts()["weddings"] == {"published": 2, "unlisted": 1, "client": 0, "drafts": 0}
    assert len(store.photos_missing_alt()) == 2
