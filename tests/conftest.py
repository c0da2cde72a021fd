"""Shared fixtures: an app on a fresh instance folder, its test client and CLI runner."""

from __future__ import annotations

import pytest

from sgoodie import create_app


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret"})
    with app.app_context():
        from sgoodie.services import services

        services().store.init_schema()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
