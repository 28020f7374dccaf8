"""Exports never carry a live formula from user data (names are kept exactly in XLSX)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from services.intake.summary import build
from services.intake.summary import to_xlsx as summary_xlsx
from services.review.exports import to_csv, to_xlsx
from shared.contracts.batch import PackageUnit
from shared.rules.model import Category

EVIL = '=HYPERLINK("http://example.invalid","点击")'


def test_public_list_xlsx_keeps_the_name_as_text_and_csv_neutralises_it() -> None:
    rows = [["名称", "备注"], [EVIL, "+1"], ["@SUM(A1)", "-2"], ["福建（示例）电器有限公司", "普通"]]
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, "名单"))).active
    assert sheet["A2"].value == EVIL and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "+1" and sheet["A3"].data_type == "s"
    assert sheet["A4"].value == "福建（示例）电器有限公司"

    data = to_csv(rows)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[1] == ["'" + EVIL, "'+1"] and parsed[2] == ["'@SUM(A1)", "'-2"]
    assert parsed[3] == ["福建（示例）电器有限公司", "普通"]


def test_the_authority_summary_table_keeps_a_formula_like_name_as_text() -> None:
    at = datetime(2020, 5, 20, 2, 0, tzinfo=UTC)
    unit = PackageUnit(order=1, application_id="A1", category=Category.GREEN_FACTORY,
                       applicant_name=EVIL, credit_code="91350100M000100Y43", recommended_at=at)
    table = build(lang="zh", batch="2020-5", region="350000", categories=(Category.GREEN_FACTORY,),
                        units=[unit], deadline=at, submitted_at=None)
    sheet = load_workbook(io.BytesIO(summary_xlsx(table))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == EVIL]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
