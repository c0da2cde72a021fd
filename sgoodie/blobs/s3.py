"""Photos in S3 (the AWS backend). Originals stay private; variants are read through CloudFront
(MEDIA_BASE_URL) with the Cache-Control written here. Browsers upload straight to the bucket with
a presigned POST whose policy pins the key, the type and the size."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from .base import BlobInfo, BlobNotFoundError, content_disposition, content_type_for

MISSING = {"404", "NoSuchKey", "NotFound"}
# Streams of unknown length (a gallery's ZIP as it is written) go up in 8 MB parts, two at a time:
# memory stays a few parts whatever the size.
STREAMING = TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=2)


class _Bounded:
    """A read-only view of a stream that raises ValueError once more than `limit` bytes came
    through. It has no seek, so boto3 reads it part by part instead of measuring it first."""

    def __init__(self, stream: BinaryIO, limit: int):
        self.stream = stream
        self.limit = limit
        self.count = 0

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.limit + 1 - self.count  # never more than it takes to see the file is too large
        chunk = self.stream.read(size)
        self.count += len(chunk)
        if self.count > self.limit:
            raise ValueError(f"the file is larger than the {self.limit} bytes allowed")
        return chunk


class S3BlobStore:
    def __init__(self, client, bucket: str, region: str, *, upload_endpoint: str = ""):
        self.client = client
        self.bucket = bucket
        self.region = region
        self.upload_endpoint = (
            upload_endpoint  # where browsers post uploads, when not where the app reaches S3
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3BlobStore:
        region = config.get("AWS_REGION") or "us-east-1"
        client = boto3.client(
            "s3",
            region_name=region,
            endpoint_url=config.get("AWS_ENDPOINT_URL") or None,
            config=Config(retries={"max_attempts": 8, "mode": "adaptive"}, signature_version="s3v4"),
        )
        return cls(client, config["BUCKET"], region, upload_endpoint=config.get("UPLOAD_ENDPOINT") or "")

    def prepare(self) -> None:
        """Create the bucket if missing (`sgoodie init` against an emulator; real buckets come from Terraform)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in MISSING | {"NoSuchBucket"}:
                raise  # e.g. 403: the bucket exists but is not ours; creating it would only fail more obscurely
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        if self.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.client.create_bucket(**kwargs)

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str | None = None) -> None:
        extra = {"CacheControl": cache_control} if cache_control else {}
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, **extra)

    def put_stream(self, key: str, stream: BinaryIO, *, max_bytes: int) -> int:
        """Upload in parts above boto3's multipart threshold (8 MB), so memory stays bounded. A
        refused file leaves nothing: boto3 aborts the multipart upload when the read fails."""
        bounded = _Bounded(stream, max_bytes)
        self.client.upload_fileobj(
            bounded, self.bucket, key, ExtraArgs={"ContentType": content_type_for(key)}, Config=STREAMING
        )
        return bounded.count

    def copy(self, source: str, target: str, *, cache_control: str | None = None) -> None:
        """A server-side copy (nothing passes through the app); the new object gets its own
        Cache-Control, the rest of its metadata is the source's."""
        extra: dict[str, Any] = {"ContentType": content_type_for(target), "MetadataDirective": "REPLACE"}
        if cache_control:
            extra["CacheControl"] = cache_control
        try:
            self.client.copy({"Bucket": self.bucket, "Key": source}, self.bucket, target, ExtraArgs=extra)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in MISSING:
                raise BlobNotFoundError(source) from None
            raise

    def presigned_get(self, key: str, *, expires_in: int, download_name: str = "") -> str | None:
        """An S3 presigned GET, valid `expires_in` seconds; the answer says `private, no-store`
        whatever the object's own metadata."""
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseCacheControl": "private, no-store",
        }
        if download_name:
            params["ResponseContentDisposition"] = content_disposition(download_name)
        url = self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=max(1, expires_in))
        if self.upload_endpoint:  # the same address swap as for uploads (an emulator, say)
            parts = urlsplit(url)
            url = self.upload_endpoint + parts.path + (f"?{parts.query}" if parts.query else "")
        return url

    def get(self, key: str) -> bytes:
        with self.open(key) as body:
            return body.read()

    def open(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] in MISSING:
                raise BlobNotFoundError(key) from None
            raise

    def head(self, key: str) -> BlobInfo | None:
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in MISSING:
                return None
            raise
        return BlobInfo(key, response["ContentLength"], response.get("ContentType", ""))

    def delete_many(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            errors = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            ).get("Errors", [])
            if errors:  # S3 answers 200 even when single objects could not be deleted
                shown = ", ".join(f"{e.get('Key')} ({e.get('Code')})" for e in errors[:5])
                raise OSError(f"S3 refused to delete {len(errors)} object(s): {shown}")

    def delete_prefix(self, prefix: str) -> None:
        if not prefix.strip("/"):
            raise ValueError("refusing to delete the whole bucket")
        self.delete_many(self.list_keys(prefix))

    def list_keys(self, prefix: str) -> list[str]:
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return sorted(keys)

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int = 600
    ) -> dict[str, Any]:
        """A form the browser posts the file with: only this key, this type, 1..max_bytes."""
        post = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )
        if self.upload_endpoint:
            # The signature covers the policy, not the host: the same form works at another address
            # for the same storage (an emulator the browser reaches as localhost, say).
            parts = urlsplit(post["url"])
            post["url"] = self.upload_endpoint + parts.path + (f"?{parts.query}" if parts.query else "")
        return post
