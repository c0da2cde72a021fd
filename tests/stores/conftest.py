"""Both content stores, so every contract test runs against SQLite and DynamoDB (moto)."""

from __future__ import annotations

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


@pytest.fixture(params=["sqlite", "dynamodb"])
def content_store(request, tmp_path, aws_credentials, writes):
    if request.param == "sqlite":
        from sgoodie.stores.sqlite import SQLiteContentStore

        store = SQLiteContentStore(tmp_path / "contract.sqlite3")
        store.init_schema()
        store.connection().set_trace_callback(
            lambda sql: writes.append("transaction") if sql.startswith("BEGIN") else None
        )
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

        store.client.meta.events.register("before-call.dynamodb.*", watch)
        yield store
        assert "Scan" not in calls
