"""A Flask-Caching backend on SQLite: the embedded default's page cache.

One file in the instance folder, shared by every process on the machine (gunicorn workers, the
CLI), so a purge made by one worker holds for all of them. Counters are stored as SQLite
integers so `inc` is one atomic statement, which the tag generations rely on.

The file is bounded: stored values (pages) count their bytes, and when they pass `max_bytes`
expired entries are dropped, then the oldest pages until the total is back under 90 % of it.
Counters (tag generations, statistics) weigh nothing and are never evicted: losing one could let
a purged page come back.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from typing import Any

from flask_caching.backends.base import BaseCache

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY,
    value BLOB,
    expires REAL,  -- epoch seconds; NULL never expires
    size INTEGER NOT NULL DEFAULT 0,  -- bytes of a stored value; 0 for counters (never evicted)
    stored REAL NOT NULL DEFAULT 0  -- when it was written: the oldest go first
) WITHOUT ROWID;
"""
# Files made before entries were weighed get the two columns (a cache file outlives upgrades).
_COLUMNS = {"size": "INTEGER NOT NULL DEFAULT 0", "stored": "REAL NOT NULL DEFAULT 0"}
_INDEX = "CREATE INDEX IF NOT EXISTS cache_by_age ON cache (stored, size)"
KEEP_AFTER_EVICTION = 0.9  # evict down to 90 % of the limit, so not every write evicts again
PRUNE_EVERY_SECONDS = 600


class SQLiteCache(BaseCache):
    def __init__(self, path: str, default_timeout: int = 300, max_bytes: int | None = None):
        super().__init__(default_timeout=default_timeout)
        self.path = path
        self.max_bytes = max_bytes or None
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self._local = threading.local()
        self._pruned_at = time.monotonic()
        conn = self._connection()
        conn.executescript(_SCHEMA)
        present = {row[1] for row in conn.execute("PRAGMA table_info(cache)")}
        for column, declaration in _COLUMNS.items():
            if column not in present:
                try:
                    conn.execute(f"ALTER TABLE cache ADD COLUMN {column} {declaration}")
                except sqlite3.OperationalError as exc:  # another process added it first
                    if "duplicate column" not in str(exc):
                        raise
        conn.execute(_INDEX)

    @classmethod
    def factory(cls, app, config, args, kwargs):
        # Flask-Caching passes options meant for other backends; take only ours.
        return cls(
            config["CACHE_SQLITE_PATH"],
            default_timeout=config.get("CACHE_DEFAULT_TIMEOUT", 300),
            max_bytes=config.get("CACHE_SQLITE_MAX_BYTES"),
        )

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # a cache may lose its last writes in a crash
            self._local.conn = conn
        return conn

    def _expiry(self, timeout: int | None) -> float | None:
        timeout = self._normalize_timeout(timeout)
        return None if timeout == 0 else time.time() + timeout

    @staticmethod
    def _load(value: Any) -> Any:
        return value if isinstance(value, int) else pickle.loads(value)

    @staticmethod
    def _dump(value: Any) -> Any:
        return value if type(value) is int else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def get(self, key: str) -> Any:
        return self.get_many(key)[0]

    def get_many(self, *keys: str) -> list[Any]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = (
            self._connection()
            .execute(
                f"SELECT key, value FROM cache WHERE key IN ({marks}) AND (expires IS NULL OR expires > ?)",
                (*keys, time.time()),
            )
            .fetchall()
        )
        found = {key: self._load(value) for key, value in rows}
        return [found.get(key) for key in keys]

    @staticmethod
    def _size(key: str, dumped: Any) -> int:
        return 0 if type(dumped) is int else len(key) + len(dumped)

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        dumped = self._dump(value)
        self._connection().execute(
            "INSERT OR REPLACE INTO cache (key, value, expires, size, stored) VALUES (?, ?, ?, ?, ?)",
            (key, dumped, self._expiry(timeout), self._size(key, dumped), time.time()),
        )
        self._keep_within_limit()
        return True

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        conn = self._connection()
        now = time.time()
        dumped = self._dump(value)
        conn.execute("DELETE FROM cache WHERE key = ? AND expires IS NOT NULL AND expires <= ?", (key, now))
        cursor = conn.execute(
            "INSERT OR IGNORE INTO cache (key, value, expires, size, stored) VALUES (?, ?, ?, ?, ?)",
            (key, dumped, self._expiry(timeout), self._size(key, dumped), now),
        )
        if cursor.rowcount == 1:
            self._keep_within_limit()
        return cursor.rowcount == 1

    def stored_bytes(self) -> int:
        """What the stored values weigh (the figure `max_bytes` bounds)."""
        return int(self._connection().execute("SELECT COALESCE(SUM(size), 0) FROM cache").fetchone()[0])

    def _keep_within_limit(self) -> None:
        """After a write: drop expired entries now and then, and when the stored values weigh more
        than `max_bytes`, the expired ones and then the oldest until they fit again."""
        if time.monotonic() - self._pruned_at > PRUNE_EVERY_SECONDS:
            self._pruned_at = time.monotonic()
            self.prune()
        if self.max_bytes is None or self.stored_bytes() <= self.max_bytes:
            return
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")  # one process evicts at a time; the others then see it done
        try:
            conn.execute("DELETE FROM cache WHERE expires IS NOT NULL AND expires <= ?", (time.time(),))
            excess = self.stored_bytes() - int(self.max_bytes * KEEP_AFTER_EVICTION)
            doomed: list[str] = []
            oldest_first = conn.execute(
                "SELECT key, size FROM cache WHERE size > 0 ORDER BY stored"
            ).fetchall()
            for key, size in oldest_first:
                if excess <= 0:
                    break
                doomed.append(key)
                excess -= size
            conn.executemany("DELETE FROM cache WHERE key = ?", [(key,) for key in doomed])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def delete(self, key: str) -> bool:
        return self._connection().execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount == 1

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def inc(self, key: str, delta: int = 1) -> int:
        row = (
            self._connection()
            .execute(
                "INSERT INTO cache (key, value, expires) VALUES (?, ?, NULL) "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value RETURNING value",
                (key, delta),
            )
            .fetchone()
        )
        return int(row[0])

    def dec(self, key: str, delta: int = 1) -> int:
        return self.inc(key, -delta)

    def clear(self) -> bool:
        self._connection().execute("DELETE FROM cache")
        return True

    def prune(self) -> int:
        """Drop expired entries (run now and then; expired rows are already invisible to reads)."""
        return (
            self._connection()
            .execute("DELETE FROM cache WHERE expires IS NOT NULL AND expires <= ?", (time.time(),))
            .rowcount
        )
