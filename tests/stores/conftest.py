"""Both content stores, so every contract test runs against SQLite and DynamoDB (moto)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from sgoodie.config import finalize, load


def _aws_config(tmp_path):
    config = load({})
    config.update(BACKEND="aws", SECRET_KEY="x", INSTANCE_PATH=str(tmp_path), AWS_REGION="us-east-1", STAGE="test")
    finalize(config)
    return config


@pytest.fixture
def aws_credentials(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture(params=["sqlite", "dynamodb"])
def content_store(request, tmp_path, aws_credentials):
    if request.param == "sqlite":
        from sgoodie.stores.sqlite import SQLiteContentStore

        store = SQLiteContentStore(tmp_path / "contract.sqlite3")
        store.init_schema()
        yield store
        return
    from sgoodie.stores.dynamodb import DynamoContentStore

    with mock_aws():
        store = DynamoContentStore.from_config(_aws_config(tmp_path))
        store.init_schema()
        calls: list[str] = []

        def no_scans(model, **kwargs):
            calls.append(model.name)
            assert model.name != "Scan", "the DynamoDB store must never scan"

        store.client.meta.events.register("before-call.dynamodb.*", lambda model, **kw: no_scans(model, **kw))
        yield store
        assert "Scan" not in calls
