"""Reading the already published lists of earlier batches (CSV) for import.

Columns: batch, category, region, name, credit_code, published_on. Category may be the code
(green_factory …) or the Chinese name (绿色工厂 …); region the GB/T 2260 code or the
authority's Chinese name. Rows are checked one by one: good rows are imported, bad rows are
reported with their line number and every reason, so a partly bad file loses nothing good.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.chinatime import at_china
from shared.contracts.bounds import MAX_DATE, MIN_DATE, is_batch_code, text_problem
from shared.contracts.listing import ListedUnitRef
from shared.identifiers import credit_code_problem
from shared.regions import AUTHORITIES
from shared.rules.model import Category

COLUMNS = ("batch", "category", "region", "name", "credit_code", "published_on")
CATEGORY_NAMES = {
    "绿色工厂": Category.GREEN_FACTORY,
    "绿色设计产品": Category.GREEN_DESIGN_PRODUCT,
    "绿色园区": Category.GREEN_PARK,
    "绿色供应链管理企业": Category.GREEN_SUPPLY_CHAIN,
    "绿色供应链": Category.GREEN_SUPPLY_CHAIN,
}
REGION_BY_NAME = {a.name_zh: code for code, a in AUTHORITIES.items()}
LETTER = {
    Category.GREEN_FACTORY: "F",
    Category.GREEN_DESIGN_PRODUCT: "D",
    Category.GREEN_PARK: "P",
    Category.GREEN_SUPPLY_CHAIN: "S",
}


@dataclass(frozen=True)
class LegacyRow:
    line: int
    batch: str
    category: Category
    region: str
    name: str
    credit_code: str
    published_at: datetime

    def unit(self) -> ListedUnitRef:
        """The listed unit this row stands for (what its ListingWorkflow starts with)."""
        return ListedUnitRef(
            application_id=self.application_id, batch=self.batch, category=self.category,
            region=self.region, name=self.name, credit_code=self.credit_code,
            published_at=self.published_at, legacy=True,
        )

    @property
    def application_id(self) -> str:
        """Stable per unit, so importing the same file twice adds nothing. A company can have
        several design products on one list, so the name takes part."""
        key = f"{self.batch}|{self.category.value}|{self.credit_code}|{self.name}"
        digest = hashlib.sha1(key.encode()).hexdigest()[:10]
        return f"legacy-{self.batch}-{LETTER[self.category]}{digest}"


@dataclass
class Parsed:
    rows: list[LegacyRow] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)


class CsvShapeError(ValueError):
    """The file is not a CSV with the expected header."""


def parse_legacy_csv(data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CsvShapeError(f"the file is not UTF-8 text (byte {err.start})") from err
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CsvShapeError(
            f"line 1: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}"
        )
    parsed = Parsed()
    seen: dict[str, int] = {}
    try:
        records = list(reader)
    except csv.Error as err:  # a field beyond the csv module's limit (128 kB), a NUL in a field
        raise CsvShapeError(f"line {reader.line_num}: {err}") from err
    for number, raw in enumerate(records, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        reasons: list[str] = []
        category = _category(row["category"], reasons)
        region = _region(row["region"], reasons)
        problem = credit_code_problem(row["credit_code"].upper())
        if problem:
            reasons.append(f"credit_code: {problem}")
        if not row["name"]:
            reasons.append("name: empty")
        elif (bad := text_problem(row["name"])) is not None or len(row["name"]) > 200:
            reasons.append(f"name: {bad[0] if bad else 'longer than 200 characters'}")
        if not row["batch"]:
            reasons.append("batch: empty")
        elif not is_batch_code(row["batch"]):
            # The code names a workflow, a schedule and a file; `../../x` is not one.
            reasons.append(f"batch: {row['batch'][:40]!r} is not a batch code (e.g. 2020-5)")
        published = _date(row["published_on"], reasons)
        if reasons or category is None or region is None or published is None:
            parsed.rejected.append({"line": number, "reasons": reasons, "row": row})
            continue
        item = LegacyRow(
            line=number, batch=row["batch"], category=category, region=region,
            name=unicodedata.normalize("NFC", row["name"]),
            credit_code=row["credit_code"].upper(), published_at=at_china(published, hour=0),
        )
        if item.application_id in seen:
            parsed.rejected.append(
                {
                    "line": number,
                    "reasons": [f"duplicate of line {seen[item.application_id]}"],
                    "row": row,
                }
            )
            continue
        seen[item.application_id] = number
        parsed.rows.append(item)
    return parsed


def _category(value: str, reasons: list[str]) -> Category | None:
    if value in CATEGORY_NAMES:
        return CATEGORY_NAMES[value]
    try:
        return Category(value)
    except ValueError:
        reasons.append(f"category: unknown category {value!r}")
        return None


def _region(value: str, reasons: list[str]) -> str | None:
    if value in AUTHORITIES:
        return value
    if value in REGION_BY_NAME:
        return REGION_BY_NAME[value]
    reasons.append(f"region: unknown recommending authority {value!r}")
    return None


def _date(value: str, reasons: list[str]) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        reasons.append(f"published_on: {value[:40]!r} is not a date (YYYY-MM-DD)")
        return None
    if not MIN_DATE <= day <= MAX_DATE:
        reasons.append(f"published_on: {value!r} is not between {MIN_DATE} and {MAX_DATE}")
        return None
    return day
