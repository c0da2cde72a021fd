"""The content store on DynamoDB (the AWS backend), with the tables described in dynamodb_schema.

Items keep their key attributes as real attributes (so the indexes work) and the whole record as
one JSON `data` attribute (so every field round-trips exactly as in SQLite). Where the key
attributes and `data` could disagree (a project's `order`, a photo's position), the attribute
wins.

Uniqueness and redirects live in the records table as claim items, written in the same
transaction as the record they protect: `slugs/<slug>` (current or old, for redirects),
`admin-emails/<email>` and `photo-external-ids/<project id>/<external id>`. Every write that could lose someone's work is conditional on the version
it was read at. Nothing here scans.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import islice
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from ..config import table_name
from ..domain import AdminUser, Page, Photo, PhotoStatus, Project, from_record, to_record, utcnow
from .base import (
    LISTED_STATUSES,
    ConflictError,
    NotFoundError,
    StaleVersionError,
    StoreError,
    check_listed_status,
    external_id_taken,
    is_possible_key,
)
from .dynamodb_schema import (
    LISTED_ATTRIBUTE,
    NEEDS_ALT,
    PHOTO_SORT_KEY,
    TABLES,
    TTL_ATTRIBUTE,
    create_table_request,
)
from .ordering import next_order, plan_reorder, plan_window_reorder

SLUGS = "slugs"
ADMIN_EMAILS = "admin-emails"
EXTERNAL_IDS = "photo-external-ids"  # <project id>/<external id> -> photo_id, written with the photo
PROJECT_COUNTS = "project-counts"  # category -> c_published, c_drafts, changed in each project write
SLUGS_ATTRIBUTE = "slugs"  # on a project item: every address it has claimed, to free them by key
TRANSACTION_LIMIT = 100
COUNTER_PREFIX = "c_"


def S(value: str) -> dict[str, str]:
    return {"S": value}


def N(value: int | float) -> dict[str, str]:
    return {"N": str(value)}


def _dump(obj: Any) -> str:
    return json.dumps(to_record(obj), separators=(",", ":"))


def _sort_key(order: int, photo_id: str) -> str:
    return f"{order:012d}#{photo_id}"


class DynamoContentStore:
    def __init__(self, client, names: Mapping[str, str]):
        self.client = client
        self.names = dict(names)
        self.records = DynamoRecordStore(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DynamoContentStore:
        client = boto3.client(
            "dynamodb",
            region_name=config.get("AWS_REGION") or "us-east-1",
            endpoint_url=config.get("AWS_ENDPOINT_URL") or None,
            config=Config(
                retries={"max_attempts": 8, "mode": "adaptive"}, connect_timeout=3, read_timeout=10
            ),
        )
        return cls(client, {name: table_name(config, name) for name in TABLES})

    # -- lifecycle -------------------------------------------------------------------------------
    def init_schema(self) -> None:
        for name, table in TABLES.items():
            physical = self.names[name]
            try:
                self.client.create_table(**create_table_request(table, physical))
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ResourceInUseException":
                    raise
            self.client.get_waiter("table_exists").wait(
                TableName=physical, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
            )
            if table.ttl_attribute:
                ttl = self.client.describe_time_to_live(TableName=physical)["TimeToLiveDescription"]
                if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                    self.client.update_time_to_live(
                        TableName=physical,
                        TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
                    )

    def check(self) -> None:
        self.client.describe_table(TableName=self.names["projects"])

    def reindex(self, categories: Iterable[str]) -> int:
        """Rewrite each project and photo whose key attributes predate the current layout
        (`listed_category`, the sparse `status`, `slugs`), conditional on its version, and set
        each category's counters to what it holds. A category at a time, a project at a time."""
        seen = 0
        for category in categories:
            counts = {"published": 0, "drafts": 0}
            for item in self._query(
                TableName=self.names["projects"],
                IndexName="gsi_category_order",
                KeyConditionExpression="category = :c",
                ExpressionAttributeValues={":c": S(category)},
            ):
                project = self._load_project(item)
                seen += 1
                counts["published" if project.published else "drafts"] += 1
                wanted = {
                    **self._project_item(project),
                    SLUGS_ATTRIBUTE: item.get(SLUGS_ATTRIBUTE, {"SS": [project.slug]}),
                }
                if {k: v for k, v in item.items() if k != "data"} != {
                    k: v for k, v in wanted.items() if k != "data"
                }:
                    self._put_unchanged("projects", {**wanted, "data": item["data"]}, project.version)
                for photo_item in self._query(
                    TableName=self.names["photos"],
                    KeyConditionExpression="project_id = :p",
                    ExpressionAttributeValues={":p": S(project.id)},
                    ConsistentRead=True,
                ):
                    photo = self._load_photo(photo_item)
                    wanted_photo = {**self._photo_item(photo), "data": photo_item["data"]}
                    if wanted_photo.get("status") != photo_item.get("status"):
                        self._put_unchanged("photos", wanted_photo, photo.version)
            self.records.put(PROJECT_COUNTS, category, counts)
        return seen

    def _put_unchanged(self, table: str, item: dict[str, Any], version: int) -> None:
        """Rewrite an item's key attributes, unless someone saved it meanwhile (their write has
        the current layout already)."""
        try:
            self.client.put_item(
                TableName=self.names[table],
                Item=item,
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": N(version)},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    # -- low-level helpers -----------------------------------------------------------------------
    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item the query finds, page after page (with `Limit`, pages of that size: stop
        iterating to stop reading)."""
        while True:
            page = self.client.query(**kwargs)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _batch_get(self, table: str, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        physical = self.names[table]
        for start in range(0, len(keys), 100):
            request = {physical: {"Keys": keys[start : start + 100], "ConsistentRead": True}}
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                items += response["Responses"].get(physical, [])
                request = response.get("UnprocessedKeys") or {}
        return items

    def _transact(
        self, items: list[dict[str, Any]], stale: str, conflicts: Mapping[int, StoreError] | None = None
    ) -> None:
        """One atomic write. A failed condition becomes StaleVersionError, or the error registered
        for that item's position (a taken slug, a missing project). The request token makes
        botocore's retry of a write that timed out after it landed a no-op, not a conflict with
        itself."""
        try:
            self.client.transact_write_items(TransactItems=items, ClientRequestToken=str(uuid.uuid4()))
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons") or []
            for position, reason in enumerate(reasons):
                if reason.get("Code") == "ConditionalCheckFailed" and conflicts and position in conflicts:
                    raise conflicts[position] from None
            raise StaleVersionError(stale) from None

    # -- projects --------------------------------------------------------------------------------
    def _project_item(self, project: Project) -> dict[str, Any]:
        item = {
            "project_id": S(project.id),
            "category": S(project.category),
            "order": N(project.order),
            "slug": S(project.slug),
            "published": {"BOOL": project.published},
            "version": N(project.version),
            "data": S(_dump(project)),
        }
        if project.is_listed:  # the key of the sparse gsi_category_published
            item[LISTED_ATTRIBUTE] = S(project.category)
        return item

    @staticmethod
    def _load_project(item: Mapping[str, Any] | None) -> Project | None:
        if not item:
            return None
        project = from_record(Project, json.loads(item["data"]["S"]))
        project.order = int(item["order"]["N"])
        return project

    def _get_project_item(self, project_id: str) -> dict[str, Any] | None:
        if not is_possible_key(project_id):
            return None
        return self.client.get_item(
            TableName=self.names["projects"], Key={"project_id": S(project_id)}, ConsistentRead=True
        ).get("Item")

    def _next_project_order(self, category: str) -> int:
        """After the category's last project: one item read."""
        last = self.client.query(
            TableName=self.names["projects"],
            IndexName="gsi_category_order",
            KeyConditionExpression="category = :c",
            ExpressionAttributeValues={":c": S(category)},
            ProjectionExpression="#o",
            ExpressionAttributeNames={"#o": "order"},
            ScanIndexForward=False,
            Limit=1,
        ).get("Items", [])
        return next_order(int(item["order"]["N"]) for item in last)

    def _count_changes(self, before: Project | None, after: Project | None) -> list[dict[str, Any]]:
        """The updates of the per-category counters a project write makes, for its transaction."""
        deltas: dict[str, tuple[int, int]] = {}
        for project, sign in ((before, -1), (after, 1)):
            if project is not None:
                published, drafts = deltas.get(project.category, (0, 0))
                deltas[project.category] = (
                    (published + sign, drafts) if project.published else (published, drafts + sign)
                )
        return self._count_updates(deltas)

    def _count_updates(self, deltas: Mapping[str, tuple[int, int]]) -> list[dict[str, Any]]:
        """One counter update per category: (published, drafts) to add."""
        return [
            {
                "Update": {
                    "TableName": self.names["records"],
                    "Key": {"collection": S(PROJECT_COUNTS), "record_key": S(category)},
                    "UpdateExpression": "ADD #p :p, #d :d",
                    "ExpressionAttributeNames": {
                        "#p": COUNTER_PREFIX + "published",
                        "#d": COUNTER_PREFIX + "drafts",
                    },
                    "ExpressionAttributeValues": {":p": N(published), ":d": N(drafts)},
                }
            }
            for category, (published, drafts) in deltas.items()
            if published or drafts
        ]

    def _slug_claim(self, slug: str, project_id: str, current: bool) -> dict[str, Any]:
        return {
            "collection": S(SLUGS),
            "record_key": S(slug),
            "data": S(json.dumps({"project_id": project_id, "current": current})),
            "project_id": S(project_id),
            "current": {"BOOL": current},
        }

    def _claim_slug(self, slug: str, project_id: str) -> dict[str, Any]:
        """Take a slug: free, an old slug (redirects give way to a live page), or already ours."""
        return {
            "Put": {
                "TableName": self.names["records"],
                "Item": self._slug_claim(slug, project_id, True),
                "ConditionExpression": "attribute_not_exists(record_key) OR #cur = :false OR project_id = :me",
                "ExpressionAttributeNames": {"#cur": "current"},
                "ExpressionAttributeValues": {":false": {"BOOL": False}, ":me": S(project_id)},
            }
        }

    def _slug_taken(self, slug: str) -> ConflictError:
        return ConflictError("slug", f"The address '{slug}' is already used by another project.")

    def create_project(self, project: Project) -> Project:
        stored = replace(
            project,
            order=self._next_project_order(project.category),
            version=1,
            updated_at=utcnow(),
            cover=None,
        )
        stored.cover = self._cover_copy(stored)
        item = {**self._project_item(stored), SLUGS_ATTRIBUTE: {"SS": [stored.slug]}}
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self.names["projects"],
                        "Item": item,
                        "ConditionExpression": "attribute_not_exists(project_id)",
                    }
                },
                self._claim_slug(stored.slug, stored.id),
                *self._count_changes(None, stored),
            ],
            "the project already exists",
            {1: self._slug_taken(stored.slug)},
        )
        return stored

    def get_project(self, project_id: str) -> Project | None:
        return self._load_project(self._get_project_item(project_id))

    def project_by_slug(self, slug: str) -> Project | None:
        if not is_possible_key(slug):
            return None
        items = list(
            self._query(
                TableName=self.names["projects"],
                IndexName="gsi_slug",
                KeyConditionExpression="slug = :s",
                ExpressionAttributeValues={":s": S(slug)},
            )
        )
        return self._load_project(items[0]) if items else None

    def project_id_for_old_slug(self, slug: str) -> str | None:
        claim = self.records.get(SLUGS, slug)
        return claim["project_id"] if claim and not claim.get("current") else None

    def projects_in_category(self, category: str, *, listed_only: bool = False) -> list[Project]:
        items = self._query(
            TableName=self.names["projects"],
            IndexName="gsi_category_published" if listed_only else "gsi_category_order",
            KeyConditionExpression="#k = :c",
            ExpressionAttributeNames={"#k": LISTED_ATTRIBUTE if listed_only else "category"},
            ExpressionAttributeValues={":c": S(category)},
        )
        return [self._load_project(item) for item in items]

    def projects_page(
        self,
        category: str,
        *,
        listed_only: bool = False,
        after: int | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[Project]:
        condition = "#k = :c"
        values: dict[str, Any] = {":c": S(category)}
        if after is not None and before is not None:
            condition += " AND #o BETWEEN :a AND :b"
            values.update({":a": N(after + 1), ":b": N(before - 1)})
        elif after is not None:
            condition += " AND #o > :a"
            values[":a"] = N(after)
        elif before is not None:
            condition += " AND #o < :b"
            values[":b"] = N(before)
        backwards = before is not None and after is None
        items = self._query(
            TableName=self.names["projects"],
            IndexName="gsi_category_published" if listed_only else "gsi_category_order",
            KeyConditionExpression=condition,
            ExpressionAttributeNames={
                "#k": LISTED_ATTRIBUTE if listed_only else "category",
                **({"#o": "order"} if "#o" in condition else {}),
            },
            ExpressionAttributeValues=values,
            ScanIndexForward=not backwards,
            Limit=limit,
        )
        found = [self._load_project(item) for item in islice(items, limit)]
        return found[::-1] if backwards else found

    def project_counts(self) -> dict[str, dict[str, int]]:
        return {
            category: {"published": data.get("published", 0), "drafts": data.get("drafts", 0)}
            for category, data in self.records.query(PROJECT_COUNTS)
        }

    def swap_projects(self, category: str, first_id: str, second_id: str) -> None:
        found = {
            p.id: p
            for p in map(
                self._load_project,
                self._batch_get("projects", [{"project_id": S(i)} for i in (first_id, second_id)]),
            )
        }
        if len(found) != 2 or any(p.category != category for p in found.values()):
            raise StaleVersionError("The projects changed meanwhile; reload the page.")
        self._transact(
            [
                {
                    "Update": {
                        "TableName": self.names["projects"],
                        "Key": {"project_id": S(this)},
                        "UpdateExpression": "SET #o = :o",
                        "ConditionExpression": "category = :c AND #o = :was",
                        "ExpressionAttributeNames": {"#o": "order"},
                        "ExpressionAttributeValues": {
                            ":o": N(found[other].order),
                            ":c": S(category),
                            ":was": N(found[this].order),
                        },
                    }
                }
                for this, other in ((first_id, second_id), (second_id, first_id))
            ],
            "The projects changed meanwhile; reload the page.",
        )

    def projects_by_ids(self, project_ids: Sequence[str]) -> list[Project]:
        if not project_ids:
            return []
        unique = [i for i in dict.fromkeys(project_ids) if is_possible_key(i)]
        if not unique:
            return []
        found = {
            p.id: p
            for p in map(
                self._load_project, self._batch_get("projects", [{"project_id": S(i)} for i in unique])
            )
        }
        return [found[pid] for pid in project_ids if pid in found]

    def update_project(self, project: Project) -> Project:
        item = self._get_project_item(project.id)
        if item is None:
            raise NotFoundError(f"project {project.id} no longer exists")
        current = self._load_project(item)
        if current.version != project.version:
            raise StaleVersionError("This project was changed by someone else since you opened it.")
        stored = replace(project, version=current.version + 1, updated_at=utcnow(), order=current.order)
        if stored.category != current.category:
            stored.order = self._next_project_order(stored.category)
        stored.cover = self._cover_copy(stored)
        slugs = set(item.get(SLUGS_ATTRIBUTE, {}).get("SS", [current.slug])) | {stored.slug}
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.names["projects"],
                    "Item": {**self._project_item(stored), SLUGS_ATTRIBUTE: {"SS": sorted(slugs)}},
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": {":v": N(current.version)},
                }
            }
        ]
        conflicts = {}
        if stored.slug != current.slug:
            conflicts[1] = self._slug_taken(stored.slug)
            writes.append(self._claim_slug(stored.slug, stored.id))
            writes.append(
                {
                    "Put": {
                        "TableName": self.names["records"],
                        "Item": self._slug_claim(current.slug, stored.id, False),
                    }
                }
            )
        writes += self._count_changes(current, stored)
        self._transact(writes, "This project was changed by someone else since you opened it.", conflicts)
        return stored

    def delete_project(self, project_id: str) -> list[Photo]:
        """One transaction when the project has fewer than about 100 photos and addresses. A bigger
        one goes in several, photos first, so a half-finished delete never leaves orphan photos
        and the project with its addresses always goes in the last one."""
        item = self._get_project_item(project_id)
        if item is None:
            return []
        project = self._load_project(item)
        photos = self.photos_for_project(project_id)
        # Its addresses, by key; one taken over by another project meanwhile stays theirs.
        slugs = item.get(SLUGS_ATTRIBUTE, {}).get("SS", [project.slug])
        claims = self._batch_get(
            "records", [{"collection": S(SLUGS), "record_key": S(slug)} for slug in slugs]
        )
        body: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self.names["photos"],
                    "Key": {"project_id": S(project_id), PHOTO_SORT_KEY: S(_sort_key(p.order, p.id))},
                }
            }
            for p in photos
        ]
        body += [self._release_external_id(p) for p in photos if p.external_id]
        body += [
            {
                "Delete": {
                    "TableName": self.names["records"],
                    "Key": {"collection": S(SLUGS), "record_key": claim["record_key"]},
                    "ConditionExpression": "project_id = :me",
                    "ExpressionAttributeValues": {":me": S(project_id)},
                }
            }
            for claim in claims
            if claim.get("project_id", {}).get("S") == project_id
        ]
        # The project and its count go together, in the last transaction.
        tail = [
            {
                "Delete": {
                    "TableName": self.names["projects"],
                    "Key": {"project_id": S(project_id)},
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": {":v": N(project.version)},
                }
            },
            *self._count_changes(project, None),
        ]
        cut = max(0, len(body) - (TRANSACTION_LIMIT - len(tail)))  # the writes before the last transaction
        for start in range(0, cut, TRANSACTION_LIMIT):
            self._transact(
                body[start : min(start + TRANSACTION_LIMIT, cut)], "The project changed meanwhile; try again."
            )
        self._transact(body[cut:] + tail, "The project changed meanwhile; try again.")
        return photos

    def reorder_projects(self, category: str, ordered_ids: Sequence[str]) -> None:
        """Reads the listed projects and those between them, and one on each side (to know
        whether the run is the whole category): never more than the run itself."""
        listed = [p for p in self.projects_by_ids(ordered_ids) if p.category == category]
        if not listed or len(listed) != len(ordered_ids):
            raise ValueError("the new order must list every item exactly once")
        current = [(p.id, p.order) for p in listed]
        low, high = min(o for _, o in current), max(o for _, o in current)
        between = self.projects_page(category, after=low - 1, before=high + 1, limit=len(listed) + 1)
        if {p.id for p in between} != {p.id for p in listed}:
            raise ValueError("the projects to reorder must be consecutive ones")
        whole = not self.projects_page(category, before=low, limit=1) and not self.projects_page(
            category, after=high, limit=1
        )
        changes = (plan_reorder if whole else plan_window_reorder)(current, ordered_ids)
        orders = dict(current)
        writes = [
            {
                "Update": {
                    "TableName": self.names["projects"],
                    "Key": {"project_id": S(pid)},
                    "UpdateExpression": "SET #o = :o",
                    "ConditionExpression": "category = :c AND #o = :was",
                    "ExpressionAttributeNames": {"#o": "order"},
                    "ExpressionAttributeValues": {":o": N(order), ":c": S(category), ":was": N(orders[pid])},
                }
            }
            for pid, order in changes.items()
        ]
        for start in range(0, len(writes), TRANSACTION_LIMIT):
            self._transact(
                writes[start : start + TRANSACTION_LIMIT], "The projects changed meanwhile; reload the page."
            )

    def move_category(self, old: str, new: str) -> list[Project]:
        items = list(
            self._query(
                TableName=self.names["projects"],
                IndexName="gsi_category_order",
                KeyConditionExpression="category = :c",
                ExpressionAttributeValues={":c": S(old)},
            )
        )
        before = [self._load_project(item) for item in items]
        moved = [replace(p, category=new, version=p.version + 1, updated_at=utcnow()) for p in before]
        writes = [
            {
                "Put": {
                    "TableName": self.names["projects"],
                    "Item": {
                        **self._project_item(p),
                        SLUGS_ATTRIBUTE: item.get(SLUGS_ATTRIBUTE, {"SS": [p.slug]}),
                    },
                    "ConditionExpression": "version = :v AND category = :c",
                    "ExpressionAttributeValues": {":v": N(p.version - 1), ":c": S(old)},
                }
            }
            for p, item in zip(moved, items, strict=True)
        ]
        # Each transaction moves its projects' counts with them.
        step = TRANSACTION_LIMIT - 2
        for start in range(0, len(writes), step):
            chunk = before[start : start + step]
            published = sum(p.published for p in chunk)
            drafts = len(chunk) - published
            counts = self._count_updates({old: (-published, -drafts), new: (published, drafts)})
            self._transact(
                writes[start : start + step] + counts, "The projects changed meanwhile; try again."
            )
        return moved

    # -- photos ----------------------------------------------------------------------------------
    def _photo_item(self, photo: Photo) -> dict[str, Any]:
        item = {
            "project_id": S(photo.project_id),
            PHOTO_SORT_KEY: S(_sort_key(photo.order, photo.id)),
            "photo_id": S(photo.id),
            "updated_at": S(photo.updated_at),
            "version": N(photo.version),
            "data": S(_dump(photo)),
        }
        # The sparse gsi_status: only photos that need attention carry its key.
        if photo.status in LISTED_STATUSES:
            item["status"] = S(photo.status)
        elif photo.status == PhotoStatus.READY and not photo.alt_text.strip():
            item["status"] = S(NEEDS_ALT)
        return item

    @staticmethod
    def _load_photo(item: Mapping[str, Any] | None) -> Photo | None:
        if not item:
            return None
        photo = from_record(Photo, json.loads(item["data"]["S"]))
        photo.order = int(item[PHOTO_SORT_KEY]["S"].split("#", 1)[0])
        return photo

    def _photo_item_by_id(self, photo_id: str) -> dict[str, Any] | None:
        """The index gives the photo's key; the read itself is consistent."""
        if not is_possible_key(photo_id):
            return None
        for _ in range(3):
            keys = list(
                self._query(
                    TableName=self.names["photos"],
                    IndexName="gsi_photo_id",
                    KeyConditionExpression="photo_id = :p",
                    ExpressionAttributeValues={":p": S(photo_id)},
                    ProjectionExpression="project_id, #sk",
                    ExpressionAttributeNames={"#sk": PHOTO_SORT_KEY},
                )
            )
            if not keys:
                return None
            item = self.client.get_item(TableName=self.names["photos"], Key=keys[0], ConsistentRead=True).get(
                "Item"
            )
            if item is not None:
                return item
            time.sleep(0.05)  # moved by a reorder since the index was read
        return None

    def add_photo(self, photo: Photo) -> Photo:
        missing = NotFoundError(f"project {photo.project_id} does not exist")
        if not is_possible_key(photo.project_id):
            raise missing
        last = self.client.query(
            TableName=self.names["photos"],
            KeyConditionExpression="project_id = :p",
            ExpressionAttributeValues={":p": S(photo.project_id)},
            ProjectionExpression="#sk",
            ExpressionAttributeNames={"#sk": PHOTO_SORT_KEY},
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        ).get("Items", [])
        orders = [int(item[PHOTO_SORT_KEY]["S"].split("#", 1)[0]) for item in last]
        stored = replace(photo, order=next_order(orders), version=1, updated_at=utcnow())
        writes = [
            {
                "ConditionCheck": {
                    "TableName": self.names["projects"],
                    "Key": {"project_id": S(photo.project_id)},
                    "ConditionExpression": "attribute_exists(project_id)",
                }
            },
            {
                "Put": {
                    "TableName": self.names["photos"],
                    "Item": self._photo_item(stored),
                    "ConditionExpression": "attribute_not_exists(photo_id)",
                }
            },
        ]
        if stored.external_id:
            writes.append(self._claim_external_id(stored))
        self._transact(
            writes, "the photo already exists", {0: missing, 2: self._external_id_taken(stored.external_id)}
        )
        return stored

    # A photo's external id is a claim item beside it (like a slug): the transaction that writes
    # the photo takes the claim on the condition that nobody holds it, so of two racing writers one
    # wins, and a lookup is one read of the claim and one of the photo, whatever the site's size.
    def _external_id_key(self, project_id: str, external_id: str) -> dict[str, Any]:
        return {"collection": S(EXTERNAL_IDS), "record_key": S(f"{project_id}/{external_id}")}

    def _claim_external_id(self, photo: Photo) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.names["records"],
                "Item": {
                    **self._external_id_key(photo.project_id, photo.external_id),
                    "photo_id": S(photo.id),
                    "data": S(json.dumps({"photo_id": photo.id})),
                },
                "ConditionExpression": "attribute_not_exists(record_key) OR photo_id = :me",
                "ExpressionAttributeValues": {":me": S(photo.id)},
            }
        }

    def _release_external_id(self, photo: Photo) -> dict[str, Any]:
        """The claim's delete, for the transaction that deletes the photo (or gives it another
        key); a claim someone else holds is left alone."""
        return {
            "Delete": {
                "TableName": self.names["records"],
                "Key": self._external_id_key(photo.project_id, photo.external_id),
                "ConditionExpression": "attribute_not_exists(record_key) OR photo_id = :me",
                "ExpressionAttributeValues": {":me": S(photo.id)},
            }
        }

    @staticmethod
    def _external_id_taken(external_id: str) -> ConflictError:
        return ConflictError("external_id", external_id_taken(external_id))

    def photo_by_external_id(self, project_id: str, external_id: str) -> Photo | None:
        if not is_possible_key(project_id) or not is_possible_key(external_id):
            return None
        claim = self.records.get(EXTERNAL_IDS, f"{project_id}/{external_id}")
        photo = self.get_photo(claim["photo_id"]) if claim else None
        if photo is None or photo.project_id != project_id or photo.external_id != external_id:
            return None
        return photo

    def get_photo(self, photo_id: str) -> Photo | None:
        return self._load_photo(self._photo_item_by_id(photo_id))

    def photos_for_project(self, project_id: str) -> list[Photo]:
        if not is_possible_key(project_id):
            return []
        items = self._query(
            TableName=self.names["photos"],
            KeyConditionExpression="project_id = :p",
            ExpressionAttributeValues={":p": S(project_id)},
            ConsistentRead=True,
        )
        return [self._load_photo(item) for item in items]

    def photos_page(
        self, project_id: str, *, after: int | None = None, before: int | None = None, limit: int = 50
    ) -> list[Photo]:
        if not is_possible_key(project_id):
            return []
        condition, values = "project_id = :p", {":p": S(project_id)}
        # Sort keys are `<order, 12 digits>#<photo id>`: "~" sorts after every id character.
        if after is not None and before is not None:
            condition += " AND #sk BETWEEN :a AND :b"
            values.update({":a": S(f"{after:012d}#~"), ":b": S(f"{before:012d}#")})
        elif after is not None:
            condition += " AND #sk > :a"
            values[":a"] = S(f"{after:012d}#~")
        elif before is not None:
            condition += " AND #sk < :b"
            values[":b"] = S(f"{before:012d}#")
        items = self._query(
            TableName=self.names["photos"],
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            **({"ExpressionAttributeNames": {"#sk": PHOTO_SORT_KEY}} if "#sk" in condition else {}),
            ScanIndexForward=not (before is not None and after is None),
            ConsistentRead=True,
            Limit=limit,
        )
        found = [self._load_photo(item) for item in islice(items, limit)]
        return found if not (before is not None and after is None) else found[::-1]

    def photos_with_status(self, status: str, *, limit: int | None = None) -> list[Photo]:
        check_listed_status(status)
        return self._photos_keyed(status, limit)

    def photos_missing_alt(self, *, limit: int | None = None) -> list[Photo]:
        return self._photos_keyed(NEEDS_ALT, limit)

    def _photos_keyed(self, key: str, limit: int | None) -> list[Photo]:
        kwargs: dict[str, Any] = {"Limit": limit} if limit else {}
        items = self._query(
            TableName=self.names["photos"],
            IndexName="gsi_status",
            KeyConditionExpression="#s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": S(key)},
            **kwargs,
        )
        return [self._load_photo(item) for item in islice(items, limit)]

    def update_photo(self, photo: Photo) -> Photo:
        current = self._load_photo(self._photo_item_by_id(photo.id))
        if current is None:
            raise NotFoundError(f"photo {photo.id} no longer exists")
        if current.version != photo.version:
            raise StaleVersionError("This photo was changed by someone else since you opened it.")
        stored = replace(
            photo,
            version=current.version + 1,
            updated_at=utcnow(),
            order=current.order,
            project_id=current.project_id,
        )
        stale = "This photo was changed by someone else since you opened it."
        if stored.external_id != current.external_id:  # the claims change with the photo
            writes = [
                {
                    "Put": {
                        "TableName": self.names["photos"],
                        "Item": self._photo_item(stored),
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeValues": {":v": N(current.version)},
                    }
                }
            ]
            if stored.external_id:
                writes.append(self._claim_external_id(stored))
            if current.external_id:
                writes.append(self._release_external_id(current))
            self._transact(writes, stale, {1: self._external_id_taken(stored.external_id)})
        else:
            try:
                self.client.put_item(
                    TableName=self.names["photos"],
                    Item=self._photo_item(stored),
                    ConditionExpression="version = :v",
                    ExpressionAttributeValues={":v": N(current.version)},
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                    raise StaleVersionError(stale) from None
                raise
        self._refresh_cover(stored.project_id, stored.id)
        return stored

    def delete_photo(self, photo_id: str) -> Photo | None:
        photo = self.get_photo(photo_id)
        if photo is None:
            return None
        key = {"project_id": S(photo.project_id), PHOTO_SORT_KEY: S(_sort_key(photo.order, photo.id))}
        if photo.external_id:  # its key is free again, in the same write
            self._transact(
                [
                    {"Delete": {"TableName": self.names["photos"], "Key": key}},
                    self._release_external_id(photo),
                ],
                "The photo changed meanwhile; try again.",
            )
        else:
            self.client.delete_item(TableName=self.names["photos"], Key=key)
        self._refresh_cover(photo.project_id, photo.id)
        return photo

    def reorder_photos(self, project_id: str, ordered_ids: Sequence[str]) -> None:
        """A photo's position is part of its key, so a move is a delete and a put, all in one
        transaction (50 moved photos per transaction)."""
        photos = {p.id: p for p in self.photos_for_project(project_id)}
        changes = plan_reorder([(p.id, p.order) for p in photos.values()], ordered_ids)
        writes: list[dict[str, Any]] = []
        for photo_id, order in changes.items():
            old = photos[photo_id]
            writes.append(
                {
                    "Delete": {
                        "TableName": self.names["photos"],
                        "Key": {
                            "project_id": S(project_id),
                            PHOTO_SORT_KEY: S(_sort_key(old.order, photo_id)),
                        },
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeValues": {":v": N(old.version)},
                    }
                }
            )
            writes.append(
                {
                    "Put": {
                        "TableName": self.names["photos"],
                        "Item": self._photo_item(replace(old, order=order)),
                    }
                }
            )
        for start in range(0, len(writes), TRANSACTION_LIMIT):
            self._transact(
                writes[start : start + TRANSACTION_LIMIT], "The photos changed meanwhile; reload the page."
            )

    # -- the project's cover copy ----------------------------------------------------------------
    def _cover_copy(self, project: Project):
        if not project.cover_photo_id:
            return None
        photo = self.get_photo(project.cover_photo_id)
        if photo is None or photo.project_id != project.id:
            project.cover_photo_id = ""
            return None
        return photo.image()

    def _refresh_cover(self, project_id: str, photo_id: str) -> None:
        """Derived data: rewritten without a version change, conditional on nobody saving between."""
        for _ in range(5):
            item = self._get_project_item(project_id)
            project = self._load_project(item)
            if project is None or project.cover_photo_id != photo_id:
                return
            project.cover = self._cover_copy(project)
            try:
                self.client.update_item(
                    TableName=self.names["projects"],
                    Key={"project_id": S(project_id)},
                    UpdateExpression="SET #d = :d",
                    ConditionExpression="version = :v",
                    ExpressionAttributeNames={"#d": "data"},
                    ExpressionAttributeValues={":d": S(_dump(project)), ":v": N(project.version)},
                )
                return
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise

    # -- pages -----------------------------------------------------------------------------------
    def get_pages(self, page_ids: Iterable[str]) -> dict[str, Page]:
        page_ids = list(dict.fromkeys(page_ids))
        items = self._batch_get("pages", [{"page_id": S(pid)} for pid in page_ids]) if page_ids else []
        found = {item["page_id"]["S"]: from_record(Page, json.loads(item["data"]["S"])) for item in items}
        return {pid: found.get(pid) or Page(pid) for pid in page_ids}

    def save_page(self, page: Page, *, keep_updated_at: bool = False) -> Page:
        stamp = page.updated_at if keep_updated_at and page.updated_at else utcnow()
        stored = replace(page, version=page.version + 1, updated_at=stamp)
        condition = "attribute_not_exists(page_id)" if page.version == 0 else "version = :v"
        kwargs: dict[str, Any] = (
            {"ExpressionAttributeValues": {":v": N(page.version)}} if page.version else {}
        )
        try:
            self.client.put_item(
                TableName=self.names["pages"],
                Item={"page_id": S(page.id), "version": N(stored.version), "data": S(_dump(stored))},
                ConditionExpression=condition,
                **kwargs,
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise StaleVersionError(
                    "This page was changed by someone else since you opened it."
                ) from None
            raise
        return stored

    # -- admins ----------------------------------------------------------------------------------
    def _admin_item(self, admin: AdminUser) -> dict[str, Any]:
        return {
            "user_id": S(admin.id),
            "email": S(admin.email),
            "version": N(admin.version),
            "data": S(_dump(admin)),
        }

    def _email_claim(self, admin: AdminUser) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.names["records"],
                "ConditionExpression": "attribute_not_exists(record_key) OR user_id = :me",
                "ExpressionAttributeValues": {":me": S(admin.id)},
                "Item": {
                    "collection": S(ADMIN_EMAILS),
                    "record_key": S(admin.email),
                    "user_id": S(admin.id),
                    "data": S(json.dumps({"user_id": admin.id})),
                },
            }
        }

    def _email_taken(self, email: str) -> ConflictError:
        return ConflictError("email", f"An admin with the email {email} already exists.")

    def create_admin(self, admin: AdminUser) -> AdminUser:
        stored = replace(admin, version=1)
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self.names["admins"],
                        "Item": self._admin_item(stored),
                        "ConditionExpression": "attribute_not_exists(user_id)",
                    }
                },
                self._email_claim(stored),
            ],
            "the admin already exists",
            {1: self._email_taken(admin.email)},
        )
        return stored

    def get_admin(self, admin_id: str) -> AdminUser | None:
        if not is_possible_key(admin_id):
            return None
        item = self.client.get_item(
            TableName=self.names["admins"], Key={"user_id": S(admin_id)}, ConsistentRead=True
        ).get("Item")
        return from_record(AdminUser, json.loads(item["data"]["S"])) if item else None

    def admin_by_email(self, email: str) -> AdminUser | None:
        claim = self.records.get(ADMIN_EMAILS, email.strip().lower())
        return self.get_admin(claim["user_id"]) if claim else None

    def update_admin(self, admin: AdminUser) -> AdminUser:
        current = self.get_admin(admin.id)
        if current is None:
            raise NotFoundError(f"admin {admin.id} no longer exists")
        if current.version != admin.version:
            raise StaleVersionError("This account was changed since it was read.")
        stored = replace(admin, version=admin.version + 1)
        writes = [
            {
                "Put": {
                    "TableName": self.names["admins"],
                    "Item": self._admin_item(stored),
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": {":v": N(current.version)},
                }
            }
        ]
        if stored.email != current.email:
            writes.append(self._email_claim(stored))
            writes.append(
                {
                    "Delete": {
                        "TableName": self.names["records"],
                        "Key": {"collection": S(ADMIN_EMAILS), "record_key": S(current.email)},
                    }
                }
            )
        self._transact(
            writes, "This account was changed since it was read.", {1: self._email_taken(stored.email)}
        )
        return stored

    def list_admins(self) -> list[AdminUser]:
        ids = [data["user_id"] for _, data in self.records.query(ADMIN_EMAILS)]
        items = self._batch_get("admins", [{"user_id": S(i)} for i in ids]) if ids else []
        admins = [from_record(AdminUser, json.loads(item["data"]["S"])) for item in items]
        return sorted(admins, key=lambda a: a.email)


class DynamoRecordStore:
    """Records: `data` holds the JSON document; its top-level integers are also kept as numeric
    `c_<field>` attributes (which win on read), so `increment` is one atomic ADD."""

    def __init__(self, store: DynamoContentStore):
        self._store = store

    @property
    def _table(self) -> str:
        return self._store.names["records"]

    @staticmethod
    def _alive(item: Mapping[str, Any], now: int) -> bool:
        expires = item.get(TTL_ATTRIBUTE)
        return expires is None or int(expires["N"]) > now  # TTL deletes lazily; expiry is exact here

    @staticmethod
    def _data(item: Mapping[str, Any]) -> dict[str, Any]:
        data = json.loads(item["data"]["S"]) if "data" in item else {}
        for name, value in item.items():
            if name.startswith(COUNTER_PREFIX) and "N" in value:
                data[name[len(COUNTER_PREFIX) :]] = int(value["N"])
        return data

    def _key(self, collection: str, key: str) -> dict[str, Any]:
        return {"collection": S(collection), "record_key": S(key)}

    def get(self, collection: str, key: str) -> dict[str, Any] | None:
        if not is_possible_key(key):
            return None
        item = self._store.client.get_item(
            TableName=self._table, Key=self._key(collection, key), ConsistentRead=True
        ).get("Item")
        return self._data(item) if item and self._alive(item, int(time.time())) else None

    def _item(
        self, collection: str, key: str, data: Mapping[str, Any], expires_at: int | None
    ) -> dict[str, Any]:
        item = {**self._key(collection, key), "data": S(json.dumps(dict(data)))}
        for name, value in data.items():
            if type(value) is int:  # not bool
                item[COUNTER_PREFIX + name] = N(value)
        if expires_at is not None:
            item[TTL_ATTRIBUTE] = N(int(expires_at))
        return item

    def put(
        self, collection: str, key: str, data: Mapping[str, Any], *, expires_at: int | None = None
    ) -> None:
        self._store.client.put_item(TableName=self._table, Item=self._item(collection, key, data, expires_at))

    def delete(self, collection: str, key: str) -> None:
        self._store.client.delete_item(TableName=self._table, Key=self._key(collection, key))

    def query(
        self, collection: str, *, prefix: str = "", newest_first: bool = False, limit: int | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "ScanIndexForward": not newest_first,
            "ConsistentRead": True,
            "ExpressionAttributeValues": {":c": S(collection)},
        }
        if prefix:
            kwargs["KeyConditionExpression"] = "collection = :c AND begins_with(record_key, :p)"
            kwargs["ExpressionAttributeValues"][":p"] = S(prefix)
        else:
            kwargs["KeyConditionExpression"] = "collection = :c"
        if limit is not None:
            kwargs["Limit"] = limit  # pages of what is asked for; expired records cost another page
        now, found = int(time.time()), []
        for item in self._store._query(**kwargs):
            if self._alive(item, now):
                found.append((item["record_key"]["S"], self._data(item)))
                if limit is not None and len(found) >= limit:
                    break
        return found

    def increment(
        self, collection: str, key: str, field: str, amount: int = 1, *, expires_at: int | None = None
    ) -> int:
        client, counter = self._store.client, COUNTER_PREFIX + field
        for _ in range(5):
            now = N(int(time.time()))
            try:  # a live record: add to it, keeping its expiry
                response = client.update_item(
                    TableName=self._table,
                    Key=self._key(collection, key),
                    UpdateExpression="ADD #n :a",
                    ConditionExpression="attribute_exists(record_key) AND (attribute_not_exists(#e) OR #e > :now)",
                    ExpressionAttributeNames={"#n": counter, "#e": TTL_ATTRIBUTE},
                    ExpressionAttributeValues={":a": N(amount), ":now": now},
                    ReturnValues="UPDATED_NEW",
                )
                return int(response["Attributes"][counter]["N"])
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
            # Missing, or expired (TTL deletes lazily): start it with this increment, unless a
            # concurrent increment started it first (then add to theirs on the next turn).
            try:
                client.put_item(
                    TableName=self._table,
                    Item=self._item(collection, key, {field: amount}, expires_at),
                    ConditionExpression="attribute_not_exists(record_key) OR #e <= :now",
                    ExpressionAttributeNames={"#e": TTL_ATTRIBUTE},
                    ExpressionAttributeValues={":now": now},
                )
                return amount
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        raise StoreError(f"could not increment {collection}/{key}: it kept changing")

    def expiry(self, collection: str, key: str) -> int | None:
        item = self._store.client.get_item(
            TableName=self._table,
            Key=self._key(collection, key),
            ConsistentRead=True,
            ProjectionExpression="#e",
            ExpressionAttributeNames={"#e": TTL_ATTRIBUTE},
        ).get("Item")
        if not item or TTL_ATTRIBUTE not in item or not self._alive(item, int(time.time())):
            return None
        return int(item[TTL_ATTRIBUTE]["N"])
