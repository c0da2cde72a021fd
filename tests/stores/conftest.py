"""Both content stores, so every contract test runs against SQLite and DynamoDB (moto)."""

from __future__ import annotations

import sqlite3

import pytest
from moto import mock_aws

from sgoodie.config import finalize, load

DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def _aws_config(tmp_path):
    config = load({})
    config.update(
        BACKEND="aws", SECRET_KEY="x", INSTANCE_PATH=str(tmp_path), AWS_REGION="us-east-1", STAGE="test"
    )
    finalize(config)
    return config


def _key_values(params: dict):
    """The key attribute values a DynamoDB call names (items it reads, writes or queries)."""
    keys = [params.get("Key") or {}]
    keys += [key for table in params.get("RequestItems", {}).values() for key in table.get("Keys", [])]
    keys += [op.get("Key") or {} for item in params.get("TransactItems", []) for op in item.values()]
    values = [value for key in keys for value in key.values()]
    if "KeyConditionExpression" in params:
        values += list(params.get("ExpressionAttributeValues", {}).values())
    return values


def _refuse_bad_keys(params, model, **kwargs):
    """What DynamoDB does and moto does not: refuse an empty key value, or one over 2048 bytes
    (a partition key's limit; a sort key's is 1024), with a ValidationException."""
    for value in _key_values(params):
        text = value.get("S") if isinstance(value, dict) else None
        if text is not None and (not text or len(text.encode("utf-8", "surrogatepass")) > 2048):
            raise AssertionError(f"DynamoDB would refuse {model.name} with the key value {text[:40]!r}…")


@pytest.fixture
def aws_credentials(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def writes() -> list[str]:
    """The separate writes the store makes (SQLite transactions, DynamoDB write calls), so a test
    can hold an operation to one atomic write. Filled by `content_store`."""
    return []


class ItemsRead:
    """The records a store reads: SQLite rows fetched, DynamoDB items read (a Query's items before
    any filter, GetItem, BatchGetItem). `reset()`, run the call, read `count`."""

    def __init__(self) -> None:
        self.count = 0

    def reset(self) -> None:
        self.count = 0


@pytest.fixture
def items_read() -> ItemsRead:
    """What the store read since `items_read.reset()`. Filled by `content_store`."""
    return ItemsRead()


@pytest.fixture(params=["sqlite", "dynamodb"])
def content_store(request, tmp_path, aws_credentials, writes, items_read):
    if request.param == "sqlite":
        from sgoodie.stores.sqlite import SQLiteContentStore

        store = SQLiteContentStore(tmp_path / "contract.sqlite3")
        store.init_schema()
        store.connection().set_trace_callback(
            lambda sql: writes.append("transaction") if sql.startswith("BEGIN") else None
        )

        def count_rows(cursor, row):
            items_read.count += 1
            return sqlite3.Row(cursor, row)

        store.connection().row_factory = count_rows
        yield store
        return
    from sgoodie.stores.dynamodb import DynamoContentStore

    with mock_aws():
        store = DynamoContentStore.from_config(_aws_config(tmp_path))
        store.init_schema()
        store.init_schema()  # idempotent
        calls: list[str] = []

        def watch(model, **kwargs):
            calls.append(model.name)
            assert model.name != "Scan", "the DynamoDB store must never scan"
            if model.name in DYNAMODB_WRITES:
                writes.append(model.name)

        def count_items(parsed, model, **kwargs):
            if model.name == "Query":
                items_read.count += int(parsed.get("ScannedCount", parsed.get("Count", 0)))
            elif model.name == "GetItem":
                items_read.count += 1 if parsed.get("Item") else 0
            elif model.name == "BatchGetItem":
                items_read.count += sum(len(found) for found in parsed.get("Responses", {}).values())

        store.client.meta.events.register("before-call.dynamodb.*", watch)
        store.client.meta.events.register("after-call.dynamodb.*", count_items)
        store.client.meta.events.register("before-parameter-build.dynamodb.*", _refuse_bad_keys)
        yield store
        assert "Scan" not in calls
