"""A Flask-Caching backend on SQLite: the embedded default's page cache.

One file in the instance folder, shared by every process on the machine (gunicorn workers, the
CLI), so a purge made by one worker holds for all of them. Counters are stored as SQLite
integers so `inc` is one atomic statement, which the tag generations rely on.
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
    expires REAL  -- epoch seconds; NULL never expires
) WITHOUT ROWID;
"""


class SQLiteCache(BaseCache):
    def __init__(self, path: str, default_timeout: int = 300):
        super().__init__(default_timeout=default_timeout)
        self.path = path
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self._local = threading.local()
        with self._connection() as conn:
            conn.executescript(_SCHEMA)

    @classmethod
    def factory(cls, app, config, args, kwargs):
        # Flask-Caching passes options meant for other backends; take only ours.
        return cls(config["CACHE_SQLITE_PATH"], default_timeout=config.get("CACHE_DEFAULT_TIMEOUT", 300))

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

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        self._connection().execute(
            "INSERT OR REPLACE INTO cache (key, value, expires) VALUES (?, ?, ?)",
            (key, self._dump(value), self._expiry(timeout)),
        )
        return True

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        conn = self._connection()
        now = time.time()
        conn.execute("DELETE FROM cache WHERE key = ? AND expires IS NOT NULL AND expires <= ?", (key, now))
        cursor = conn.execute(
            "INSERT OR IGNORE INTO cache (key, value, expires) VALUES (?, ?, ?)",
            (key, self._dump(value), self._expiry(timeout)),
        )
        return cursor.rowcount == 1

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
