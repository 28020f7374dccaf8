"""Signed report files: sniffed, hashed and stored by content under the service's var dir.

Content addressing makes a stored file immutable and a re-upload harmless: the same bytes
land at the same path. (Intake builds a shared `Storage` protocol in parallel; this stays
small and local until the two are unified.)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from shared.contracts.agency import StoredFile

MAX_BYTES = 50 * 1024 * 1024

# Signed evaluation reports come as PDF or as OFD (the Chinese national fixed-layout format,
# a ZIP container). Anything else is not a signed report.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/ofd"),
)


class UnacceptableFile(ValueError):
    """The upload is empty, too large or not a PDF/OFD document."""


def sniff(data: bytes) -> str:
    """The media type told by the file's first bytes; raises UnacceptableFile otherwise."""
    if not data:
        raise UnacceptableFile("the signed report file is empty")
    if len(data) > MAX_BYTES:
        raise UnacceptableFile(f"the signed report file exceeds {MAX_BYTES // (1024 * 1024)} MB")
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise UnacceptableFile(
        f"the signed report must be a PDF or OFD document; the file starts with {data[:8]!r}"
    )


class ReportFiles:
    """Stores report files at `{root}/{sha[:2]}/{sha}`."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def path_of(self, sha256: str) -> Path:
        return self._root / sha256[:2] / sha256

    def save(self, data: bytes, filename: str) -> StoredFile:
        """Sniff and store `data`; the write is atomic (temporary file, then rename)."""
        media_type = sniff(data)
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_of(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return StoredFile(sha256=sha, size=len(data), media_type=media_type,
                          filename=Path(filename or "report").name[:200])
