"""The summary table of an authority's recommendations (Attachment 1 of the notice), as
data for the HTML template and as an XLSX workbook. Headings are Chinese by default,
English with `lang="en"`."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from shared.contracts.batch import PackageUnit
from shared.labels import china_time
from shared.regions import authority
from shared.rules.model import Category
from shared.spreadsheets import append_row

Lang = Literal["zh", "en"]

CATEGORY_NAMES: Final[dict[Category, dict[Lang, str]]] = {
    Category.GREEN_FACTORY: {"zh": "绿色工厂", "en": "Green factories"},
    Category.GREEN_DESIGN_PRODUCT: {"zh": "绿色设计产品", "en": "Green design products"},
    Category.GREEN_PARK: {"zh": "绿色园区", "en": "Green industrial parks"},
    Category.GREEN_SUPPLY_CHAIN: {
        "zh": "绿色供应链管理企业",
        "en": "Green supply chain management enterprises",
    },
}

LABELS: Final[dict[Lang, dict[str, str]]] = {
    "zh": {
        "title": "{name}绿色制造名单推荐汇总表",
        "batch": "批次",
        "authority": "推荐单位",
        "deadline": "报送截止时间",
        "status": "报送状态",
        "submitted": "已于{at}报送",
        "not_submitted": "未报送（草表）",
        "counts": "推荐数量",
        "category": "类别",
        "count": "数量",
        "total": "合计",
        "no": "序号",
        "unit": "单位名称",
        "credit_code": "统一社会信用代码",
        "application": "申报编号",
        "recommended_at": "推荐时间",
        "none": "无",
    },
    "en": {
        "title": "Summary table of recommendations: {name}",
        "batch": "Batch",
        "authority": "Recommending authority",
        "deadline": "Deadline",
        "status": "Status",
        "submitted": "submitted at {at}",
        "not_submitted": "not submitted (draft)",
        "counts": "Recommendations",
        "category": "Category",
        "count": "Count",
        "total": "Total",
        "no": "No.",
        "unit": "Unit",
        "credit_code": "Unified social credit code",
        "application": "Application",
        "recommended_at": "Recommended at",
        "none": "none",
    },
}


@dataclass(frozen=True)
class SummarySection:
    name: str
    units: list[PackageUnit]


@dataclass(frozen=True)
class SummaryTable:
    lang: Lang
    labels: dict[str, str]
    title: str
    batch: str
    authority: str
    deadline: str
    status: str
    counts: list[tuple[str, int]]
    total: int
    sections: list[SummarySection]


def build(
    *,
    lang: Lang,
    batch: str,
    region: str,
    categories: tuple[Category, ...],
    units: list[PackageUnit],
    deadline: datetime,
    submitted_at: datetime | None,
) -> SummaryTable:
    """The table for the categories open in the batch, units in the authority's order."""
    labels = LABELS[lang]
    who = authority(region)
    name = who.name_zh if lang == "zh" else who.name_en
    sections = [
        SummarySection(CATEGORY_NAMES[c][lang], [u for u in units if u.category == c])
        for c in categories
    ]
    return SummaryTable(
        lang=lang,
        labels=labels,
        title=labels["title"].format(name=name),
        batch=batch,
        authority=f"{name} ({region})",
        deadline=china_time(deadline, lang),
        status=labels["submitted"].format(at=china_time(submitted_at, lang))
        if submitted_at
        else labels["not_submitted"],
        counts=[(s.name, len(s.units)) for s in sections],
        total=sum(len(s.units) for s in sections),
        sections=sections,
    )


def to_xlsx(table: SummaryTable) -> bytes:
    """One sheet: the header facts, the counts per category, then each category's units."""
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总表" if table.lang == "zh" else "Summary"
    labels = table.labels
    bold = Font(bold=True)
    append_row(sheet, [table.title])
    sheet["A1"].font = Font(bold=True, size=14)
    for key, value in (
        ("batch", table.batch),
        ("authority", table.authority),
        ("deadline", table.deadline),
        ("status", table.status),
    ):
        append_row(sheet, [labels[key], value])
    append_row(sheet, [])
    append_row(sheet, [labels["counts"]])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    append_row(sheet, [labels["category"], labels["count"]])
    for name, count in table.counts:
        append_row(sheet, [name, count])
    append_row(sheet, [labels["total"], table.total])
    for section in table.sections:
        append_row(sheet, [])
        append_row(sheet, [f"{section.name} ({len(section.units)})"])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        append_row(sheet, 
            [
                labels["no"],
                labels["unit"],
                labels["credit_code"],
                labels["application"],
                labels["recommended_at"],
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        if not section.units:
            append_row(sheet, [labels["none"]])
        for unit in section.units:
            append_row(sheet, 
                [
                    unit.order,
                    unit.applicant_name,
                    unit.credit_code,
                    unit.application_id,
                    china_time(unit.recommended_at, table.lang),
                ]
            )
    for column, width in zip("ABCDE", (28, 40, 24, 26, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet["A1"].alignment = Alignment(wrap_text=False)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
