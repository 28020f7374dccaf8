"""Parsing exclusion-list uploads: whole files or clear errors naming line and column."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.exclusions import CsvProblem, parse
from shared.contracts.application import ExclusionKind

GOOD = "91350100M000100Y43"


def test_rows_keep_their_line_numbers() -> None:
    data = (f"credit_code,name,rectified,note\n{GOOD},甲公司,否,\n\n"
            f"9144030071526726XG,乙公司,是,done\n").encode()
    rows = parse(ExclusionKind.ENERGY_RECTIFICATION, data)
    assert [(r.line, r.credit_code, r.rectified) for r in rows] == [
        (2, GOOD, False), (4, "9144030071526726XG", True)]


def test_gb18030_files_from_spreadsheets_are_read() -> None:
    data = f"credit_code,name,date\n{GOOD},甲公司,2019-05-01\n".encode("gb18030")
    (row,) = parse(ExclusionKind.MAJOR_ACCIDENT, data)
    assert row.name == "甲公司" and row.event_date == date(2019, 5, 1)


@pytest.mark.parametrize(
    ("kind", "text", "line", "column", "words"),
    [
        (ExclusionKind.MAJOR_ACCIDENT, f"credit_code,date\n{GOOD},2019-01-01\n{GOOD},2019-13-01\n",
         3, "date", "not a date"),
        (ExclusionKind.DISHONEST_ENFORCEMENT, f"credit_code\n{GOOD}\n91350100M000100Y4A\n",
         3, "credit_code", "wrong check character"),
        (ExclusionKind.ENERGY_RECTIFICATION, f"credit_code\n{GOOD}\n", 1, "rectified", "required"),
        (ExclusionKind.ENERGY_RECTIFICATION, f"credit_code,rectified\n{GOOD},maybe\n",
         2, "rectified", "true or false"),
        (ExclusionKind.DISHONEST_ENFORCEMENT, f"credit_code,colour\n{GOOD},red\n", 1, "colour",
         "unknown column"),
        (ExclusionKind.DISHONEST_ENFORCEMENT, f"credit_code,name\n{GOOD},a,b\n", 2, None,
         "expected 2 fields"),
        (ExclusionKind.POLLUTION_INCIDENT, f"credit_code,date\n{GOOD},\n", 2, "date", "required"),
    ],
)
def test_the_first_problem_is_named_by_line_and_column(
    kind: ExclusionKind, text: str, line: int, column: str | None, words: str
) -> None:
    with pytest.raises(CsvProblem) as caught:
        parse(kind, text.encode())
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.message.startswith(f"line {line}") and words in caught.value.message
    assert caught.value.message_zh.startswith(f"第{line}行")
