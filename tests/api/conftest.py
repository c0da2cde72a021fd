"""Access tokens for the /api/v1 tests: `bearer(app, "read", "publish")` makes one through the
real `tokens.create` and gives the headers a program would send."""

from __future__ import annotations

import pytest

from sgoodie import tokens


@pytest.fixture
def bearer():
    def make(app, *scopes: str, days: int = 0) -> dict[str, str]:
        with app.app_context():
            _, secret = tokens.create("Test client", list(scopes or tokens.SCOPES), days)
        return {"Authorization": f"Bearer {secret}"}

    return make
