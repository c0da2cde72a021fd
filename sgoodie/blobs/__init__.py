"""Photo file storage: one interface, two backends (local disk for the embedded default, S3 on
AWS). Storage only: `keys.py` names every file, `base.py` defines the store; the URLs browsers
use for them are built above the services (`sgoodie.file_urls`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .base import (
    IMMUTABLE,
    PRIVATE,
    BlobInfo,
    BlobNotFoundError,
    BlobStore,
    content_disposition,
    content_type_for,
)
from .keys import (
    FORMAT_EXTENSIONS,
    PRIVATE_PREFIX,
    TRASH_PREFIX,
    download_name,
    gallery_of,
    in_trash,
    is_private_key,
    is_public_key,
    is_signable_key,
    is_variant_key,
    logo_prefix,
    original_key,
    original_owner,
    page_original_key,
    page_variant_prefix,
    phone_cut_name,
    photo_prefixes,
    plugin_file_key,
    project_prefixes,
    share_cut_key,
    variant_key,
    variant_name,
    variant_owner,
    variant_prefix,
    watermark_of,
)

__all__ = [
    "FORMAT_EXTENSIONS",
    "IMMUTABLE",
    "PRIVATE",
    "PRIVATE_PREFIX",
    "TRASH_PREFIX",
    "gallery_of",
    "in_trash",
    "BlobInfo",
    "BlobNotFoundError",
    "BlobStore",
    "content_disposition",
    "content_type_for",
    "create_blob_store",
    "is_private_key",
    "is_public_key",
    "is_signable_key",
    "is_variant_key",
    "logo_prefix",
    "original_key",
    "original_owner",
    "page_original_key",
    "page_variant_prefix",
    "phone_cut_name",
    "photo_prefixes",
    "plugin_file_key",
    "project_prefixes",
    "share_cut_key",
    "variant_key",
    "download_name",
    "variant_name",
    "watermark_of",
    "variant_owner",
    "variant_prefix",
]


def create_blob_store(
    config: Mapping[str, Any],
    *,
    upload_url: Callable[[], str] | None = None,
) -> BlobStore:
    """`upload_url` gives the app's own upload endpoint: the local store's presigned posts go there
    (S3's go to the bucket)."""
    if config["BACKEND"] == "aws":
        from .s3 import S3BlobStore

        return S3BlobStore.from_config(config)
    from .local import LocalBlobStore

    return LocalBlobStore.from_config(config, upload_url=upload_url)
