"""Signed report files: sniffed (PDF or OFD), hashed and stored by content."""

from __future__ import annotations

import hashlib
from pathlib import Path

from shared.contracts.agency import StoredFile
from shared.errors import ErrorCode
from shared.storage import Storage

MAX_BYTES = 50 * 1024 * 1024

# Signed evaluation reports come as PDF or as OFD (the Chinese national fixed-layout format,
# a ZIP container). Anything else is not a signed report.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/ofd"),
)


class UnacceptableFile(ValueError):
    """The upload is empty (`Invalid`), too large (`TooLarge`) or not a PDF/OFD document
    (`UnsupportedMediaType`), as intake answers for its attachments."""

    def __init__(self, code: ErrorCode, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh


def sniff(data: bytes) -> str:
    """The media type told by the file's first bytes; raises UnacceptableFile otherwise."""
    if not data:
        raise UnacceptableFile(ErrorCode.INVALID, "the signed report file is empty",
                               "签章的评价报告文件为空")
    if len(data) > MAX_BYTES:
        mb = MAX_BYTES // (1024 * 1024)
        raise UnacceptableFile(ErrorCode.TOO_LARGE, f"the signed report file exceeds {mb} MB",
                               f"签章的评价报告文件超过{mb} MB")
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise UnacceptableFile(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        f"the signed report must be a PDF or OFD document; the file starts with {data[:8]!r}",
        "签章的评价报告须为PDF或OFD文件",
    )


class ReportFiles:
    """Report files in the shared `Storage`, keyed `{sha[:2]}/{sha}`: the same bytes land at the
    same key, so a stored file is immutable and a re-upload harmless."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def save(self, data: bytes, filename: str) -> StoredFile:
        """Sniff and store `data` (the storage writes atomically)."""
        media_type = sniff(data)
        sha = hashlib.sha256(data).hexdigest()
        await self._storage.put(f"{sha[:2]}/{sha}", data)
        return StoredFile(sha256=sha, size=len(data), media_type=media_type,
                          filename=Path(filename or "report").name[:200])
