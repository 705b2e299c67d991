"""One storage interface for evidence files (minh chứng): a local directory by default, any S3-compatible
object store in production (``KH_EVIDENCE_S3_BUCKET`` and ``KH_EVIDENCE_S3_ENDPOINT``; credentials from the
usual ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``). Keys are made by the service, never from user text."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Protocol

from api.core.config import Settings


class Missing(Exception):
    """The store holds no file under the key."""


class Store(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError("evidence key outside the store")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError as exc:
            raise Missing(key) from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


class S3Store:
    """Any S3-compatible store through boto3 (its blocking calls run in a thread)."""

    def __init__(self, bucket: str, endpoint: str | None, region: str) -> None:
        import boto3  # type: ignore[import-untyped]  # only where S3 is configured

        self.bucket = bucket
        self.client: Any = boto3.client("s3", endpoint_url=endpoint, region_name=region)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object, Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
        )

    async def get(self, key: str) -> bytes:
        def read() -> bytes:
            try:
                return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
            except self.client.exceptions.NoSuchKey as exc:
                raise Missing(key) from exc

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)


def store_for(settings: Settings) -> Store:
    if settings.evidence_s3_bucket:
        return S3Store(settings.evidence_s3_bucket, settings.evidence_s3_endpoint, settings.evidence_s3_region)
    return LocalStore(settings.evidence_dir)
