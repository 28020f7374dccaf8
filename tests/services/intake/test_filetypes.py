"""File types come from the content."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from services.intake import filetypes


def xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def test_types_are_read_from_the_bytes() -> None:
    assert filetypes.sniff(b"%PDF-1.7\n...") == filetypes.PDF
    assert filetypes.sniff(b"\x89PNG\r\n\x1a\n....") == filetypes.PNG
    assert filetypes.sniff(b"\xff\xd8\xff\xe0....") == filetypes.JPEG
    assert filetypes.sniff(xlsx()) == filetypes.XLSX
    assert filetypes.sniff(b"just words") == filetypes.TEXT
    assert filetypes.sniff(b"\x00\x01\x02\xff\xfe") == filetypes.UNKNOWN
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("a.txt", "x")
    assert filetypes.sniff(plain.getvalue()) == filetypes.ZIP


def test_names_only_claim() -> None:
    assert filetypes.claimed_type("报告.PDF") == filetypes.PDF
    assert filetypes.claimed_type("photo.jpeg") == filetypes.JPEG
    assert filetypes.claimed_type("notes.txt") is None
