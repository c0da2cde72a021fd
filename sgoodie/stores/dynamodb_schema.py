"""The DynamoDB tables sgoodie uses: keys and secondary indexes, in one place.

`sgoodie init` creates tables from these definitions, and the Terraform tests read them to check
that `terraform/` declares exactly the same keys and indexes. Table names are
`sgoodie-<name>-<stage>` (see `config.table_name`).

The tables (docs/architecture.md, data model), shaped by the access patterns:
- projects: `project_id`; `gsi_category_order` (category, order) lists a category in display
  order; `gsi_slug` finds a project by its address in one query; `gsi_category_published`
  (listed_category, order) is sparse: only listed projects (`Project.is_listed`) carry `listed_category` (their
  category), so a category page, or a sitemap part, reads published projects only, a page at a
  time, and every category is its own partition.
- photos: `project_id` + `order#photo_id` so one query returns a project's photos in display order;
  `gsi_photo_id` finds a photo by id (media API); `gsi_status` is sparse: only photos that need
  attention carry its key (their status while uploading, queued, processing or failed;
  `needs-alt` when ready without alt text), so the index holds what the dashboard and the sweeper
  list, never the ready photos every site is mostly made of.
- pages: `page_id` (home, about, personal-branding, and `site` for the site settings).
- admins: `user_id`; `gsi_email` for sign-in.
- records: `collection` + `record_key`, small records (slug registry, photos' external ids,
  sign-in throttling, activity, plugin data) with a TTL attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PHOTO_SORT_KEY = "order#photo_id"
TTL_ATTRIBUTE = "expires_at"
LISTED_ATTRIBUTE = "listed_category"  # a listed project's category; absent on the others
NEEDS_ALT = "needs-alt"  # gsi_status's key for a ready photo without alt text


@dataclass(frozen=True)
class Key:
    name: str
    type: str = "S"  # S | N


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: Key
    range_key: Key | None = None


@dataclass(frozen=True)
class Table:
    name: str  # logical name; the physical name adds prefix and stage
    hash_key: Key
    range_key: Key | None = None
    indexes: tuple[Index, ...] = field(default_factory=tuple)
    ttl_attribute: str | None = None

    def attributes(self) -> dict[str, str]:
        """Every key attribute of the table and its indexes, with its type."""
        keys = [self.hash_key, self.range_key]
        for index in self.indexes:
            keys += [index.hash_key, index.range_key]
        return {key.name: key.type for key in keys if key is not None}


TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "projects",
            Key("project_id"),
            indexes=(
                Index("gsi_category_order", Key("category"), Key("order", "N")),
                Index("gsi_slug", Key("slug")),
                Index("gsi_category_published", Key(LISTED_ATTRIBUTE), Key("order", "N")),
            ),
        ),
        Table(
            "photos",
            Key("project_id"),
            Key(PHOTO_SORT_KEY),
            indexes=(
                Index("gsi_photo_id", Key("photo_id")),
                Index("gsi_status", Key("status"), Key("updated_at")),
            ),
        ),
        Table("pages", Key("page_id")),
        Table("admins", Key("user_id"), indexes=(Index("gsi_email", Key("email")),)),
        Table("records", Key("collection"), Key("record_key"), ttl_attribute=TTL_ATTRIBUTE),
    )
}


def create_table_request(table: Table, physical_name: str) -> dict[str, Any]:
    """The boto3 `create_table` arguments for `table`: on-demand billing, every index projecting
    all attributes (the items are small and pages need them whole)."""

    def key_schema(hash_key: Key, range_key: Key | None) -> list[dict[str, str]]:
        schema = [{"AttributeName": hash_key.name, "KeyType": "HASH"}]
        if range_key:
            schema.append({"AttributeName": range_key.name, "KeyType": "RANGE"})
        return schema

    request: dict[str, Any] = {
        "TableName": physical_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": key_schema(table.hash_key, table.range_key),
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind} for name, kind in table.attributes().items()
        ],
        "SSESpecification": {"Enabled": True},
    }
    if table.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": key_schema(index.hash_key, index.range_key),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in table.indexes
        ]
    return request
