"""What only the SQLite store does: deleting expired records (DynamoDB's TTL does it there)."""

from __future__ import annotations

import time

from sgoodie.stores.sqlite import SQLiteContentStore


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
