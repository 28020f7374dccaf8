"""Parsing an exclusion list upload (CSV) into rows, all or nothing.

Columns (header row required, any order, names case-insensitive):

* `credit_code` (required): the unified social credit code, checked with its check character
* `name`: the unit's name as the list gives it
* `date` (required for accidents, pollution incidents and supervision findings): YYYY-MM-DD
* `rectified` (required for the energy-conservation rectification list): true/false,
  yes/no, 1/0 or 是/否
* `note`: free text

Files are UTF-8 (with or without BOM) or GB 18030 (what spreadsheet programs in China save).
The first problem found is reported with its line (header = line 1) and column; a file with
any problem is refused whole.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from services.intake.eligibility import DATED_KINDS
from shared.contracts.application import ExclusionKind
from shared.contracts.bounds import MAX_DATE, MIN_DATE, text_problem
from shared.identifiers import credit_code_problem

COLUMNS: Final = ("credit_code", "name", "date", "rectified", "note")
MAX_ROWS: Final = 100_000
_TRUE: Final = {"true", "yes", "1", "是", "y"}
_FALSE: Final = {"false", "no", "0", "否", "n"}


@dataclass(frozen=True)
class ParsedRow:
    line: int
    credit_code: str
    name: str
    event_date: date | None
    rectified: bool | None
    note: str


class CsvProblem(ValueError):
    """A malformed upload: where (line, column) and what, in English and Chinese."""

    def __init__(self, line: int, column: str | None, message: str, message_zh: str) -> None:
        where = f"line {line}" + (f", column {column}" if column else "")
        where_zh = f"第{line}行" + (f"“{column}”列" if column else "")
        super().__init__(f"{where}: {message}")
        self.line = line
        self.column = column
        self.message = f"{where}: {message}"
        self.message_zh = f"{where_zh}：{message_zh}"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as err:
            raise CsvProblem(
                1,
                None,
                "the file is neither UTF-8 nor GB 18030 text",
                "文件编码无法识别（应为UTF-8或GB 18030）",
            ) from err


def parse(kind: ExclusionKind, data: bytes) -> list[ParsedRow]:
    """The rows of an upload of list `kind`; CsvProblem at the first malformed place."""
    reader = csv.reader(io.StringIO(decode(data), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise CsvProblem(
                1, None, "the file is empty; a header row is required", "文件为空，需要表头行"
            )
        names = [h.strip().lower() for h in header]
        for name in names:
            if name not in COLUMNS:
                raise CsvProblem(
                    1,
                    name,
                    f"unknown column; expected some of {', '.join(COLUMNS)}",
                    f"未知列，可用列为{', '.join(COLUMNS)}",
                )
        if len(set(names)) != len(names):
            raise CsvProblem(1, None, "a column appears twice", "表头中有重复列")
        required = ["credit_code"]
        if kind in DATED_KINDS:
            required.append("date")
        if kind == ExclusionKind.ENERGY_RECTIFICATION:
            required.append("rectified")
        for name in required:
            if name not in names:
                raise CsvProblem(
                    1,
                    name,
                    f"column is required for list {kind.value}",
                    f"名单{kind.value}必须包含此列",
                )
        rows: list[ParsedRow] = []
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines are common at the end of exported files
            if len(record) != len(names):
                raise CsvProblem(
                    line,
                    None,
                    f"expected {len(names)} fields, found {len(record)}",
                    f"应有{len(names)}个字段，实际为{len(record)}个",
                )
            if len(rows) >= MAX_ROWS:
                raise CsvProblem(line, None, f"more than {MAX_ROWS} rows", f"超过{MAX_ROWS}行")
            rows.append(
                _row(kind, line, dict(zip(names, (c.strip() for c in record), strict=True)))
            )
    except csv.Error as err:
        raise CsvProblem(
            reader.line_num, None, f"not valid CSV: {err}", f"CSV格式错误：{err}"
        ) from err
    return rows


def _row(kind: ExclusionKind, line: int, cells: dict[str, str]) -> ParsedRow:
    code = cells["credit_code"].upper()
    problem = credit_code_problem(code)
    if problem is not None:
        raise CsvProblem(
            line,
            "credit_code",
            f"invalid unified social credit code: {problem}",
            f"统一社会信用代码无效（{problem}）",
        )
    event_date: date | None = None
    raw_date = cells.get("date", "")
    if raw_date:
        try:
            event_date = date.fromisoformat(raw_date)
        except ValueError as err:
            raise CsvProblem(
                line,
                "date",
                f"{raw_date!r} is not a date (YYYY-MM-DD)",
                f"“{raw_date}”不是有效日期（格式YYYY-MM-DD）",
            ) from err
    elif kind in DATED_KINDS:
        raise CsvProblem(line, "date", "a date is required for this list", "此名单必须填写日期")
    rectified: bool | None = None
    raw_flag = cells.get("rectified", "").lower()
    if raw_flag in _TRUE:
        rectified = True
    elif raw_flag in _FALSE:
        rectified = False
    elif raw_flag or kind == ExclusionKind.ENERGY_RECTIFICATION:
        raise CsvProblem(
            line,
            "rectified",
            f"{cells.get('rectified', '')!r} is not true or false",
            f"“{cells.get('rectified', '')}”应为是或否（true/false）",
        )
    if event_date is not None and not MIN_DATE <= event_date <= MAX_DATE:
        raise CsvProblem(line, "date", f"{raw_date!r} is not between {MIN_DATE} and {MAX_DATE}",
                         f"日期“{raw_date}”应在{MIN_DATE}至{MAX_DATE}之间")
    # Stored and shown as they are: a NUL (refused by PostgreSQL), a control or bidirectional
    # character is refused here, with its line.
    for column, multiline, limit in (("name", False, 200), ("note", True, 2000)):
        bad = text_problem(cells.get(column, ""), multiline=multiline)
        if bad is None and len(cells.get(column, "")) > limit:
            bad = f"longer than {limit} characters", f"超过{limit}个字符"
        if bad is not None:
            raise CsvProblem(line, column, *bad)
    return ParsedRow(
        line=line,
        credit_code=code,
        name=unicodedata.normalize("NFC", cells.get("name", "")),
        event_date=event_date,
        rectified=rectified,
        note=unicodedata.normalize("NFC", cells.get("note", "")),
    )
