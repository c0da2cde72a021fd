"""What only the DynamoDB store has: key attributes that an upgrade brings up to date."""

from __future__ import annotations

import pytest
from moto import mock_aws

from sgoodie.domain import Photo, Project
from sgoodie.stores.dynamodb import PROJECT_COUNTS, DynamoContentStore

from .conftest import _aws_config


@pytest.fixture
def store(tmp_path, aws_credentials):
    with mock_aws():
        store = DynamoContentStore.from_config(_aws_config(tmp_path))
        store.init_schema()
        yield store


def _set_index_key(store, item, value):
    """Give a photo item the gsi_status key an older sgoodie wrote."""
    store.client.update_item(
        TableName=store.names["photos"],
        Key={"project_id": item["project_id"], "order#photo_id": item["order#photo_id"]},
        UpdateExpression="SET #s = :v",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":v": {"S": value}},
    )


def test_reindex_brings_items_of_the_old_layout_up_to_date(store):
    """Before issue 18 a published project carried `listed = "published"` (one key for all), every
    photo its status as the index key, and no counters were kept: `reindex` rewrites them, a
    category and a project at a time."""
    project = store.create_project(Project(title="Old Times", category="travel", published=True))
    store.add_photo(Photo(project_id=project.id, status="ready", alt_text="Described"))
    store.add_photo(Photo(project_id=project.id, status="ready"))
    table = store.names["projects"]
    store.client.update_item(
        TableName=table,
        Key={"project_id": {"S": project.id}},
        UpdateExpression="SET listed = :l REMOVE listed_category, slugs",
        ExpressionAttributeValues={":l": {"S": "published"}},
    )
    for item in store.client.query(
        TableName=store.names["photos"],
        KeyConditionExpression="project_id = :p",
        ExpressionAttributeValues={":p": {"S": project.id}},
    )["Items"]:
        _set_index_key(store, item, "ready")
    store.records.delete(PROJECT_COUNTS, "travel")
    assert store.projects_page("travel", listed_only=True) == []  # lost to the new index
    assert store.photos_missing_alt() == []

    assert store.reindex(["travel"]) == 1

    assert [p.id for p in store.projects_page("travel", listed_only=True)] == [project.id]
    assert [p.alt_text for p in store.photos_missing_alt()] == [""]
    assert store.project_counts()["travel"] == {"published": 1, "unlisted": 0, "client": 0, "drafts": 0}
    ready_keys = store.client.query(
        TableName=store.names["photos"],
        IndexName="gsi_status",
        KeyConditionExpression="#s = :r",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":r": {"S": "ready"}},
    )["Items"]
    assert ready_keys == []  # no ready photo shares one index key any more
    item = store.client.get_item(TableName=table, Key={"project_id": {"S": project.id}})["Item"]
    assert item["slugs"] == {"SS": ["old-times"]}
    store.delete_project(project.id)  # its address is freed by key
    assert store.records.get("slugs", "old-times") is None


def test_every_write_keeps_the_list_of_a_projects_addresses(store):
    """Deleting a project frees its addresses by key, so every rewrite of its item keeps them."""
    from dataclasses import replace

    project = store.create_project(Project(title="First Name", category="travel"))
    project = store.update_project(replace(project, slug="second-name"))
    store.move_category("travel", "journeys")
    store.reindex(["journeys"])
    item = store.client.get_item(TableName=store.names["projects"], Key={"project_id": {"S": project.id}})[
        "Item"
    ]
    assert sorted(item["slugs"]["SS"]) == ["first-name", "second-name"]
    store.delete_project(project.id)
    assert (
        store.records.get("slugs", "first-name") is None and store.records.get("slugs", "second-name") is None
    )


def test_reindex_counts_client_galleries_and_unlisted_projects_on_their_own(store):
    """Before issue 28 a client gallery counted as published and its proofs waited for alt text
    on the dashboard: `reindex` counts each project by its kind and drops their photos' key."""
    gallery = store.create_project(
        Project(title="Proofs", category="weddings", published=True, visibility="client")
    )
    store.create_project(Project(title="Link", category="weddings", published=True, visibility="unlisted"))
    proof = store.add_photo(Photo(project_id=gallery.id, status="ready"))
    store.records.put(PROJECT_COUNTS, "weddings", {"published": 2, "drafts": 0})  # the old counters
    _set_index_key(store, store._photo_item_by_id(proof.id), "needs-alt")
    assert [p.id for p in store.photos_missing_alt()] == [proof.id]

    assert store.reindex(["weddings"]) == 2

    assert store.project_counts()["weddings"] == {"published": 0, "unlisted": 1, "client": 1, "drafts": 0}
    assert store.photos_missing_alt() == []
