"""A publishing client's key for a photo (`Photo.external_id`): one photo per key and project on
both stores, also when two writers race, found in one indexed read, free again once the photo is
in the trash."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import replace

import pytest

from sgoodie.domain import Photo, Project, to_record
from sgoodie.stores import ConflictError
from sgoodie.stores.sqlite import MIGRATIONS, SQLiteContentStore


def _project(store, title="Sync"):
    return store.create_project(Project(title=title, category="travel"))


def _photo(store, project, external_id, **fields):
    return store.add_photo(Photo(project_id=project.id, status="ready", external_id=external_id, **fields))


def test_a_photo_is_found_by_its_key_within_its_project(content_store, items_read):
    first, second = _project(content_store, "First"), _project(content_store, "Second")
    for n in range(5):
        _photo(content_store, first, f"2026/wedding/IMG_{n:04d}.jpg")
    other = _photo(content_store, second, "2026/wedding/IMG_0003.jpg")  # another project: its own key
    items_read.reset()
    found = content_store.photo_by_external_id(first.id, "2026/wedding/IMG_0003.jpg")
    assert found.project_id == first.id and found.external_id == "2026/wedding/IMG_0003.jpg"
    assert items_read.count <= 3  # a claim, the photo's key and the photo: not the project's photos
    assert content_store.photo_by_external_id(second.id, "2026/wedding/IMG_0003.jpg").id == other.id
    assert content_store.photo_by_external_id(first.id, "IMG_9999.jpg") is None
    assert content_store.photo_by_external_id(first.id, "") is None
    assert content_store.photo_by_external_id("", "IMG_0001.jpg") is None
    assert content_store.photo_by_external_id(first.id, "x" * 3000) is None


def test_a_taken_key_is_refused_and_photos_without_one_never_collide(content_store):
    project = _project(content_store)
    kept = _photo(content_store, project, "Ünïcode – 東京 #1.jpg")
    with pytest.raises(ConflictError) as caught:
        _photo(content_store, project, "Ünïcode – 東京 #1.jpg")
    assert caught.value.field == "external_id" and "already has the external id" in str(caught.value)
    for _ in range(3):
        _photo(content_store, project, "")
    assert len(content_store.photos_for_project(project.id)) == 4
    assert content_store.photo_by_external_id(project.id, "Ünïcode – 東京 #1.jpg").id == kept.id


def test_a_photo_can_take_a_key_change_it_and_not_take_anothers(content_store):
    project = _project(content_store)
    first, second = _photo(content_store, project, "a.jpg"), _photo(content_store, project, "")
    with pytest.raises(ConflictError):
        content_store.update_photo(replace(second, external_id="a.jpg"))
    second = content_store.update_photo(replace(second, external_id="b.jpg", alt_text="kept"))
    first = content_store.update_photo(replace(first, external_id="c.jpg"))  # frees a.jpg
    assert content_store.photo_by_external_id(project.id, "a.jpg") is None
    assert content_store.photo_by_external_id(project.id, "c.jpg").id == first.id
    third = _photo(content_store, project, "a.jpg")
    assert content_store.photo_by_external_id(project.id, "a.jpg").id == third.id
    content_store.update_photo(replace(second, alt_text="changed"))  # same key: still its own
    assert content_store.photo_by_external_id(project.id, "b.jpg").alt_text == "changed"
    content_store.reorder_photos(project.id, [third.id, second.id, first.id])  # keys move with them
    assert content_store.photo_by_external_id(project.id, "b.jpg").id == second.id


def test_deleting_a_photo_or_its_project_frees_its_key(content_store):
    project = _project(content_store)
    gone = _photo(content_store, project, "a.jpg")
    content_store.delete_photo(gone.id)
    assert content_store.photo_by_external_id(project.id, "a.jpg") is None
    again = _photo(content_store, project, "a.jpg")
    assert content_store.photo_by_external_id(project.id, "a.jpg").id == again.id
    content_store.delete_project(project.id)
    assert content_store.photo_by_external_id(project.id, "a.jpg") is None
    back = content_store.create_project(replace(project, version=0))  # restored from the trash
    assert _photo(content_store, back, "a.jpg").external_id == "a.jpg"


def at_once(count: int, call) -> list:
    """Run `call()` in `count` threads released together; what each returned or raised."""
    barrier = threading.Barrier(count)
    outcomes: list = []

    def run() -> None:
        try:
            barrier.wait(timeout=60)
            outcomes.append(call())
        except Exception as exc:  # an outcome like any other: the test reads it
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == count, "a thread did not finish"
    return outcomes


def one_request_at_a_time(monkeypatch) -> None:
    """moto answers concurrent DynamoDB requests without isolation (a failed transaction even puts
    back a whole-table copy taken before it, undoing another thread's write); DynamoDB applies
    each request atomically. Serialise moto's requests, so a race is decided by our conditions,
    as it is on AWS."""
    from moto.dynamodb.responses import DynamoHandler

    lock, answer = threading.Lock(), DynamoHandler.call_action

    def atomically(self):
        with lock:
            return answer(self)

    monkeypatch.setattr(DynamoHandler, "call_action", atomically)


def test_racing_writers_with_one_key_make_one_photo(content_store, monkeypatch):
    one_request_at_a_time(monkeypatch)
    project = _project(content_store)
    outcomes = at_once(6, lambda: _photo(content_store, project, "race.jpg"))
    made = [o for o in outcomes if isinstance(o, Photo)]
    assert len(made) == 1 and all(isinstance(o, ConflictError) for o in outcomes if o not in made), outcomes
    assert [p.id for p in content_store.photos_for_project(project.id)] == [made[0].id]
    assert content_store.photo_by_external_id(project.id, "race.jpg").id == made[0].id


def test_a_database_made_before_external_ids_gets_the_column_and_its_unique_index(tmp_path):
    path = tmp_path / "old.sqlite3"
    store = SQLiteContentStore(path)
    store.init_schema()
    project = _project(store)
    photo = _photo(store, project, "")
    conn = store.connection()
    conn.execute("DROP INDEX photos_external_id")
    conn.execute("ALTER TABLE photos DROP COLUMN external_id")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    conn.close()
    old = sqlite3.connect(path)
    old.execute(
        "UPDATE photos SET data = ? WHERE id = ?",
        (json.dumps({k: v for k, v in to_record(photo).items() if k != "external_id"}), photo.id),
    )
    old.commit()
    old.close()

    upgraded = SQLiteContentStore(path)
    upgraded.init_schema()
    assert upgraded.get_photo(photo.id).external_id == ""
    _photo(upgraded, project, "k.jpg")
    with pytest.raises(ConflictError):
        _photo(upgraded, project, "k.jpg")
    assert upgraded.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
