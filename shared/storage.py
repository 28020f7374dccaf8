"""Where uploaded files live: a small interface, and the local-filesystem default.

An object store (S3, OSS, MinIO) can replace `LocalStorage` by implementing `Storage`;
callers only ever pass keys they built from ids and digests, never user-supplied names.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from pathlib import Path
from typing import Protocol

# Keys are built by the caller from ids and hex digests; anything else is a bug, and refusing
# it here keeps a crafted key from escaping the storage root.
_KEY_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*(/[0-9A-Za-z][0-9A-Za-z._-]*)*$")


class StorageError(RuntimeError):
    """The key is malformed or the object is missing."""


class Storage(Protocol):
    """Content-addressed blob storage. `put` is atomic: a reader never sees half a file."""

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...


class LocalStorage:
    """Files under `root` (by default `{var_dir}/attachments`)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        if not _KEY_RE.match(key) or ".." in key:
            raise StorageError(f"invalid storage key {key!r}")
        return self._root / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, self._path(key), data)

    @staticmethod
    def _put(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as err:
            raise StorageError(f"no stored object {key!r}") from err
