"""What a file is, judged from its bytes, never from its name.

Only the formats the programme's materials come in are accepted: PDF, Word (DOCX) and Excel
(XLSX) documents, PNG and JPEG images. DOCX and XLSX are ZIP archives told apart by the
parts inside them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from typing import Final

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
ZIP: Final = "application/zip"
TEXT: Final = "text/plain"
UNKNOWN: Final = "application/octet-stream"

ALLOWED: Final = frozenset({PDF, DOCX, XLSX, PNG, JPEG})
TYPE_OF_EXTENSION: Final = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}


def sniff(data: bytes) -> str:
    """The media type the content shows (one of the constants above)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return UNKNOWN
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
        return ZIP
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return UNKNOWN
    return TEXT


def claimed_type(filename: str) -> str | None:
    """The media type a file name's extension claims; None for an extension we do not take."""
    return TYPE_OF_EXTENSION.get(PurePosixPath(filename).suffix.lower())
