"""The embedded page cache's SQLite backend: bounded in size, pruned, and upgraded in place."""

from __future__ import annotations

import sqlite3
import time

from sgoodie.cache.sqlite import SQLiteCache


def test_values_beyond_the_limit_evict_the_oldest_and_never_a_counter(tmp_path):
    cache = SQLiteCache(str(tmp_path / "c.sqlite3"), default_timeout=3600, max_bytes=50_000)
    cache.inc("gen:site")
    for n in range(100):
        cache.set(f"page:{n}", b"x" * 2_000)
    assert cache.stored_bytes() <= 50_000
    assert cache.get("page:99") is not None and cache.get("page:0") is None
    assert cache.get("gen:site") == 1  # purge counters weigh nothing and stay


def test_expired_entries_are_pruned_when_the_limit_is_reached(tmp_path):
    cache = SQLiteCache(str(tmp_path / "c.sqlite3"), default_timeout=3600, max_bytes=50_000)
    cache.set("page:old", b"x" * 20_000, timeout=1)
    cache.set("page:kept", b"y" * 20_000)
    conn = cache._connection()
    conn.execute("UPDATE cache SET expires = ? WHERE key = 'page:old'", (time.time() - 1,))
    cache.set("page:new", b"z" * 20_000)  # over the limit: the expired one goes, not the oldest live one
    rows = {row[0] for row in conn.execute("SELECT key FROM cache")}
    assert rows == {"page:kept", "page:new"}


def test_a_cache_file_from_before_the_limit_is_upgraded_in_place(tmp_path):
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE cache (key TEXT PRIMARY KEY, value BLOB, expires REAL) WITHOUT ROWID")
        old.execute("INSERT INTO cache VALUES ('gen:site', 7, NULL)")
    cache = SQLiteCache(str(path), max_bytes=10_000)
    assert cache.get("gen:site") == 7
    for n in range(20):
        cache.set(f"page:{n}", b"x" * 1_000)
    assert cache.stored_bytes() <= 10_000 and cache.get("gen:site") == 7
