"""Exports people open in Excel or WPS: never a live formula from user data.

An applicant may be named `=HYPERLINK("http://…","点击")`. In XLSX every string is written as a
text cell (openpyxl would otherwise store a string beginning with `=` as a formula), so names
stay exactly as registered. CSV has no cell types: a value beginning with `=`, `+`, `-`, `@`,
a tab or a carriage return is prefixed with an apostrophe, as OWASP advises for CSV injection;
spreadsheet programs show the rest as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import TYPE_STRING
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Chinese right), formulas neutralised."""
    out = io.StringIO()
    csv.writer(out).writerows([csv_text(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def append_row(sheet: Worksheet, row: Sequence[Any]) -> None:
    """`sheet.append(row)`, with every string cell stored as text, never as a formula."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING
