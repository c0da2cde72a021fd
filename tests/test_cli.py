"""Commands of `sgoodie` not covered with the feature they serve."""

from __future__ import annotations

from sgoodie.services import services


def test_reindex_recounts_the_projects_of_every_category(app, runner, portfolio):
    portfolio.project("Harbour Loft", "interiors")
    portfolio.project("Draft Villa", "interiors", published=False)
    with app.app_context():
        store = services().store
        store.connection().execute("DELETE FROM project_counts")  # as a site made before the counters
        assert store.project_counts() == {}
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Reindexed 2 projects in 3 categories." in result.output
    with app.app_context():
        assert services().store.project_counts()["interiors"] == {
            "published": 1,
            "unlisted": 0,
            "client": 0,
            "drafts": 1,
        }
