"""The published list as a spreadsheet: CSV (UTF-8 with BOM, so Excel opens Chinese right)
and XLSX (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from services.review.models import ListedUnit
from shared.chinatime import CHINA
from shared.labels import category_name, region_name
from shared.spreadsheets import append_row, to_csv

__all__ = ["table", "to_csv", "to_xlsx"]

HEADINGS = {
    "zh": ["批次", "类别", "地区代码", "地区", "名称", "统一社会信用代码", "公布日期", "状态"],
    "en": [
        "Batch", "Category", "Region code", "Region", "Name", "Credit code", "Published", "Status"
    ],
}
STATUS = {"zh": {"removed": "已撤销"}, "en": {"removed": "removed"}}


def table(units: Sequence[ListedUnit], lang: str) -> list[list[str]]:
    rows = [HEADINGS[lang]]
    for u in units:
        rows.append([
            u.batch, category_name(u.category, lang), u.region, region_name(u.region, lang), u.name,
            u.credit_code, u.published_at.astimezone(CHINA).strftime("%Y-%m-%d"),
            STATUS[lang].get(u.status, "在列" if lang == "zh" else "listed"),
        ])
    return rows


def to_xlsx(rows: list[list[str]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for row in rows:
        append_row(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", (10, 24, 10, 16, 40, 22, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
