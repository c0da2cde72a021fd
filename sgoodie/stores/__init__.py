"""Content storage: one interface, two backends (SQLite for the embedded default, DynamoDB on AWS).
`base.py` holds the interface (`ContentStore`, `RecordStore`), its errors and rules; this module
chooses the backend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import (
    LISTED_STATUSES,
    MAX_KEY_BYTES,
    ConflictError,
    ContentStore,
    NotFoundError,
    RecordStore,
    StaleVersionError,
    StoreError,
    check_listed_status,
    is_possible_key,
)

__all__ = [
    "ConflictError",
    "ContentStore",
    "LISTED_STATUSES",
    "MAX_KEY_BYTES",
    "NotFoundError",
    "RecordStore",
    "StaleVersionError",
    "StoreError",
    "check_listed_status",
    "is_possible_key",
    "create_store",
]


def create_store(config: Mapping[str, Any]) -> ContentStore:
    """The store the configuration asks for."""
    if config["BACKEND"] == "aws":
        from .dynamodb import DynamoContentStore

        return DynamoContentStore.from_config(config)
    from .sqlite import SQLiteContentStore

    return SQLiteContentStore.from_config(config)
