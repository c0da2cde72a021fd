"""Public pages on the AWS backend: a handful of DynamoDB calls per uncached page, never a Scan."""

from __future__ import annotations

import pytest

from sgoodie.services import services

LIMIT = 3


@pytest.fixture
def aws_app(mock_aws_app):
    return mock_aws_app


@pytest.fixture
def counted(aws_app):
    calls: list[str] = []
    with aws_app.app_context():
        client = services().store.client
    client.meta.events.register("before-call.dynamodb.*", lambda model, **kwargs: calls.append(model.name))
    return calls


def test_public_pages_stay_within_three_calls_and_never_scan(aws_app, portfolio_factory, counted, capsys):
    portfolio = portfolio_factory(aws_app)
    featured = portfolio.project("Harbour Loft", "interiors", featured=True)
    portfolio.project("Garden Villa", "interiors")
    portfolio.project("Bay of Kotor", "travel", featured=True)
    portfolio.project("Fieldhouse", "brand-marketing")
    client = aws_app.test_client()
    paths = [
        "/",
        "/about",
        "/personal-branding",
        "/work/interiors",
        "/work/travel",
        "/work/brand-marketing",
        f"/projects/{featured.slug}",
    ]
    report = {}
    for path in paths:
        counted.clear()
        response = client.get(path)
        assert response.status_code == 200, path
        report[path] = list(counted)
        assert "Scan" not in counted, path
        assert len(counted) <= LIMIT, f"{path} made {len(counted)} DynamoDB calls: {counted}"
    counted.clear()
    assert client.get("/sitemap.xml").status_code == 200
    assert "Scan" not in counted
    report["/sitemap.xml"] = list(counted)
    with capsys.disabled():
        print("\nDynamoDB calls per uncached page:")
        for path, names in report.items():
            print(f"  {path:32} {len(names)}  {', '.join(names)}")
