"""Reading the already published lists of earlier batches (CSV) for import.

Columns: batch, category, region, name, credit_code, published_on. The ministry's
announcements of batches 1-4 carry no credit codes, so `credit_code` may be empty: such a
unit is imported flagged for its region's authority to complete. Category may be the code
(green_factory …), English words as spreadsheets people keep have them ("Green Factory",
"supply chain" …) or the Chinese name (绿色工厂 …), in any case and spacing; region the
GB/T 2260 code or the authority's Chinese name. Names are kept exactly as published
(full-width punctuation included), only surrounding whitespace is trimmed. Rows are checked
one by one: good rows are imported, bad rows are reported with their line number and every
reason (in English and Chinese), so a partly bad file loses nothing good.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.chinatime import at_china
from shared.contracts.listing import LegacyRowReason, ListedUnitRef
from shared.identifiers import credit_code_problem
from shared.regions import AUTHORITIES
from shared.rules.model import Category

COLUMNS = ("batch", "category", "region", "name", "credit_code", "published_on")
COLUMNS_ZH = {
    "batch": "批次", "category": "类别", "region": "地区", "name": "名称",
    "credit_code": "统一社会信用代码", "published_on": "发布日期",
}
BATCH_CODE = re.compile(r"^[0-9]{4}-[0-9]{1,2}$")
NAME_MAX = 200
# Wider than any name on a real list, narrow enough that one line cannot hold megabytes.
FIELD_MAX = 1000
_F, _D, _P, _S = (Category.GREEN_FACTORY, Category.GREEN_DESIGN_PRODUCT, Category.GREEN_PARK,
                  Category.GREEN_SUPPLY_CHAIN)
_CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    _F: ("green_factory", "green factory", "factory", "绿色工厂", "工厂"),
    _D: ("green_design_product", "green design product", "green design products",
         "design product", "design products", "green product", "绿色设计产品", "绿色产品",
         "设计产品"),
    _P: ("green_park", "green park", "park", "green industrial park", "industrial park",
         "绿色园区", "绿色工业园区", "园区", "工业园区"),
    _S: ("green_supply_chain", "green supply chain", "supply chain",
         "green supply chain management", "green supply chain management enterprise",
         "green supply chain management enterprises", "supply chain management",
         "绿色供应链管理企业", "绿色供应链", "供应链管理企业", "供应链"),
}


def _category_key(value: str) -> str:
    # Case, spaces (full-width ones too), underscores and hyphens do not tell categories apart.
    return re.sub(r"[\s_\-]+", "", value.casefold())


CATEGORY_NAMES = {_category_key(w): c for c, words in _CATEGORY_WORDS.items() for w in words}
REGION_BY_NAME = {a.name_zh: code for code, a in AUTHORITIES.items()}
LETTER = {_F: "F", _D: "D", _P: "P", _S: "S"}


@dataclass(frozen=True)
class LegacyRow:
    line: int
    batch: str
    category: Category
    region: str
    name: str
    credit_code: str
    published_at: datetime
    application_id: str = ""
    """Stable per listing, so importing the same file twice adds nothing. A company can have
    several design products on one list, so the name takes part; without a credit code the
    region does, as two regions can each have a unit of the same name. Kept when the code is
    learnt later, so the code-less announcement re-imported still finds its listing."""

    def __post_init__(self) -> None:
        if not self.application_id:
            own = self.coded_id if self.credit_code else self.uncoded_id
            object.__setattr__(self, "application_id", own)

    @property
    def credit_code_missing(self) -> bool:
        return not self.credit_code

    def unit(self) -> ListedUnitRef:
        """The listed unit this row stands for (what its ListingWorkflow starts with)."""
        return ListedUnitRef(
            application_id=self.application_id, batch=self.batch, category=self.category,
            region=self.region, name=self.name, credit_code=self.credit_code,
            published_at=self.published_at, legacy=True,
        )

    @property
    def coded_id(self) -> str:
        return _listing_id(self.batch, self.category, f"{self.credit_code}|{self.name}")

    @property
    def uncoded_id(self) -> str:
        """The id this listing has when imported without its code (a later file may carry the
        code for a listing first imported from the ministry's code-less announcement)."""
        return _listing_id(self.batch, self.category, f"nocode|{self.region}|{self.name}")

    @property
    def unit_id(self) -> str:
        """Which unit this listing is of: one unit listed in two categories is two listings
        with one unit id (its credit code, or without one its exact name and region)."""
        return self.credit_code or uncoded_unit_id(self.region, self.name)


def uncoded_unit_id(region: str, name: str) -> str:
    digest = hashlib.sha1(f"{region}|{name}".encode()).hexdigest()[:16]
    return f"nocode-{region}-{digest}"


def _listing_id(batch: str, category: Category, rest: str) -> str:
    digest = hashlib.sha1(f"{batch}|{category.value}|{rest}".encode()).hexdigest()[:10]
    return f"legacy-{batch}-{LETTER[category]}{digest}"


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reasons: list[LegacyRowReason]
    row: dict[str, str]

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "reasons": [r.model_dump() for r in self.reasons],
                "row": self.row}


@dataclass
class Parsed:
    rows: list[LegacyRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


class CsvShapeError(ValueError):
    """The file is not a CSV with the expected header; says where (line, column)."""

    def __init__(self, message: str, message_zh: str, *, line: int,
                 column: str | None = None) -> None:
        super().__init__(message)
        self.message_zh, self.line, self.column = message_zh, line, column


def reason(column: str, message: str, message_zh: str) -> LegacyRowReason:
    return LegacyRowReason(field=column, message=f"{column}: {message}",
                           message_zh=f"{COLUMNS_ZH.get(column, column)}：{message_zh}")


def parse_legacy_csv(data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CsvShapeError(
            f"line {line}: the file is not UTF-8 text (byte {err.start})",
            f"第{line}行：文件不是UTF-8编码的文本（第{err.start}字节）", line=line,
        ) from err
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CsvShapeError(f"line {line}: the file contains a NUL byte",
                            f"第{line}行：文件含有空字符（NUL）", line=line)
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as err:
        raise CsvShapeError(f"line 1: not a CSV header ({err})", "第1行：不是有效的CSV列名行",
                            line=1) from err
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CsvShapeError(
            f"line 1: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}",
            f"第1行：缺少列{'、'.join(missing)}；应有列：{', '.join(COLUMNS)}",
            line=1, column=missing[0],
        )
    parsed = Parsed()
    seen: dict[str, int] = {}
    number = 1
    try:
        for raw in reader:
            number = reader.line_num
            _row(parsed, seen, number, raw)
    except csv.Error as err:
        line = reader.line_num or number + 1
        raise CsvShapeError(f"line {line}: not valid CSV ({err})",
                            f"第{line}行：CSV格式无效（{err}）", line=line) from err
    return parsed


def _row(parsed: Parsed, seen: dict[str, int], number: int, raw: dict[str | None, object]) -> None:
    row = {k.strip(): v.strip() if isinstance(v, str) else "" for k, v in raw.items() if k}
    reasons: list[LegacyRowReason] = []
    for column in COLUMNS:
        if len(row[column]) > FIELD_MAX:
            reasons.append(reason(column, f"longer than {FIELD_MAX} characters",
                                  f"超过{FIELD_MAX}个字符"))
            row[column] = row[column][:FIELD_MAX]
    batch = _batch(row["batch"], reasons)
    category = _category(row["category"], reasons)
    region = _region(row["region"], reasons)
    code = _credit_code(row["credit_code"], reasons)
    name = _name(row["name"], reasons)
    published = _date(row["published_on"], reasons)
    if reasons or None in (batch, category, region, code, name, published):
        parsed.rejected.append(RejectedRow(number, reasons, row))
        return
    assert batch and category and region and code is not None and name and published
    item = LegacyRow(line=number, batch=batch, category=category, region=region, name=name,
                     credit_code=code, published_at=at_china(published, hour=0))
    if item.application_id in seen:
        first = seen[item.application_id]
        parsed.rejected.append(RejectedRow(
            number, [reason("name", f"duplicate of line {first}", f"与第{first}行重复")], row,
        ))
        return
    seen[item.application_id] = number
    parsed.rows.append(item)


def _batch(value: str, reasons: list[LegacyRowReason]) -> str | None:
    if BATCH_CODE.fullmatch(value):
        return value
    reasons.append(reason("batch", f"{value[:40]!r} is not a batch code (e.g. 2017-1)",
                          f"“{value[:40]}”不是批次代码（如2017-1）"))
    return None


def _category(value: str, reasons: list[LegacyRowReason]) -> Category | None:
    found = CATEGORY_NAMES.get(_category_key(value))
    if found is None:
        reasons.append(reason(
            "category", f"unknown category {value[:40]!r}",
            f"未知类别“{value[:40]}”（应为绿色工厂、绿色设计产品、绿色园区或绿色供应链管理企业）",
        ))
    return found


def _region(value: str, reasons: list[LegacyRowReason]) -> str | None:
    if value in AUTHORITIES:
        return value
    if value in REGION_BY_NAME:
        return REGION_BY_NAME[value]
    reasons.append(reason("region", f"unknown recommending authority {value[:40]!r}",
                          f"未知的推荐单位（地区）“{value[:40]}”"))
    return None


def _credit_code(value: str, reasons: list[LegacyRowReason]) -> str | None:
    """An empty code is allowed (the unit is flagged for its authority to complete)."""
    code = value.upper()
    if not code:
        return ""
    problem = credit_code_problem(code)
    if problem is None:
        return code
    reasons.append(reason("credit_code", problem, f"“{value[:40]}”不是有效的统一社会信用代码"))
    return None


def _name(value: str, reasons: list[LegacyRowReason]) -> str | None:
    if not value:
        reasons.append(reason("name", "empty", "为空"))
        return None
    if len(value) > NAME_MAX:
        reasons.append(reason("name", f"longer than {NAME_MAX} characters",
                              f"超过{NAME_MAX}个字符"))
        return None
    # Control, format (zero-width, right-to-left override) and surrogate characters are
    # invisible or misleading in a published name: refused, not silently changed.
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co")), None)
    if bad is not None:
        reasons.append(reason("name", f"contains the invisible character U+{ord(bad):04X}",
                              f"含有不可见字符U+{ord(bad):04X}"))
        return None
    return value


_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def _date(value: str, reasons: list[LegacyRowReason]) -> date | None:
    for pattern in _DATE_FORMATS:
        if match := pattern.fullmatch(value):
            try:
                found = date(*(int(g) for g in match.groups()))
            except ValueError:
                break
            if 2000 <= found.year <= 2100:
                return found
            break
    reasons.append(reason("published_on", f"{value[:40]!r} is not a date (YYYY-MM-DD)",
                          f"“{value[:40]}”不是日期（格式YYYY-MM-DD）"))
    return None
