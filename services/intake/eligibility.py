"""The rules of who may apply and who may be recommended, as pure functions of the data.

Two moments use them:

* `rule_problems`: when a draft is written, its data is checked against the batch's rule
  set (standard on the list, sector on the list, energy figures for a known product in the
  rule's unit). A problem is bad input: the draft is refused naming the field.
* `assess`: when an application is submitted (and again when an exclusion list changes),
  it is checked for eligibility: park share and structure, energy use against the advanced
  value, and the exclusion lists and the applicant's declarations within the rule set's
  window. An ineligible application is still submitted; it cannot be recommended, and every
  reason, with its evidence, is shown to the applicant and the authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from shared.contracts.application import EligibilityReason, ExclusionDeclarations, ExclusionKind
from shared.rules.model import Category, EnergyProduct, HighEnergyIndustry, RuleSet

# What each exclusion condition is, in the words a reader expects (en, zh).
EXCLUSION_NAMES: Final[dict[ExclusionKind, tuple[str, str]]] = {
    ExclusionKind.MAJOR_ACCIDENT: (
        "a production-safety or quality accident of major magnitude or above",
        "重大及以上安全生产或质量事故",
    ),
    ExclusionKind.POLLUTION_INCIDENT: (
        "a sudden environmental pollution incident of level III (larger) or above",
        "Ⅲ级（较大）及以上突发环境污染事件",
    ),
    ExclusionKind.SUPERVISION_FINDING: (
        "serious problems found in State Council or ministry supervision",
        "国务院及有关部委相关督查工作中发现存在严重问题",
    ),
    ExclusionKind.ENERGY_RECTIFICATION: (
        "on the industrial energy-conservation supervision rectification list, not rectified",
        "列入工业节能监察整改名单且未按要求完成整改",
    ),
    ExclusionKind.DISHONEST_ENFORCEMENT: (
        "listed as a dishonest person subject to enforcement",
        "列入失信被执行人名单",
    ),
}

# Conditions that count only when they happened within the rule set's window; the other two
# are states (listed now, not rectified now) and count whenever the current list says so.
DATED_KINDS: Final = frozenset(
    {
        ExclusionKind.MAJOR_ACCIDENT,
        ExclusionKind.POLLUTION_INCIDENT,
        ExclusionKind.SUPERVISION_FINDING,
    }
)


@dataclass(frozen=True)
class Problem:
    """Bad input found against the rule set: the field (dotted path) and the message."""

    field: str
    message: str
    message_zh: str


@dataclass(frozen=True)
class ExclusionHit:
    """A row of a current exclusion list that carries the applicant's credit code."""

    kind: ExclusionKind
    upload_id: str
    scope: str
    line: int
    name: str
    event_date: date | None
    rectified: bool | None
    note: str


def _industry(rules: RuleSet, code: str) -> HighEnergyIndustry | None:
    return next((i for i in rules.high_energy_industries if i.code == code), None)


def _energy_product(industry: HighEnergyIndustry, name: str) -> EnergyProduct | None:
    wanted = name.strip().casefold()
    return next(
        (
            p
            for p in industry.products
            if wanted in (p.product_en.casefold(), p.product_zh.casefold())
        ),
        None,
    )


def rule_problems(rules: RuleSet, category: Category, details: dict[str, Any]) -> list[Problem]:
    """What in a draft's category data the batch's rule set does not allow."""
    problems: list[Problem] = []
    if category == Category.GREEN_DESIGN_PRODUCT:
        standard = str(details["product_standard"])
        if standard not in {s.code for s in rules.design_product_standards}:
            problems.append(
                Problem(
                    "product_standard",
                    f"product standard {standard!r} is not on the List of Green Design Product "
                    f"Standards of rule set {rules.code}; only products with a listed standard "
                    "may apply",
                    f"产品标准“{standard}”不在本批次（{rules.code}）《绿色设计产品标准清单》内，"
                    "仅清单内标准的产品可以申报",
                )
            )
    elif category == Category.GREEN_SUPPLY_CHAIN:
        sector = str(details["sector"])
        if sector not in {s.code for s in rules.supply_chain_sectors}:
            allowed = ", ".join(s.code for s in rules.supply_chain_sectors)
            problems.append(
                Problem(
                    "sector",
                    f"sector {sector!r} is not one of the supply chain sectors of rule set "
                    f"{rules.code}: {allowed}",
                    f"行业领域“{sector}”不在本批次绿色供应链申报范围内（可选：{allowed}）",
                )
            )
    elif category == Category.GREEN_PARK:
        assert rules.park is not None  # the rule set model requires it when parks are open
        if details["level"] not in rules.park.allowed_levels:
            problems.append(
                Problem(
                    "level",
                    f"park level {details['level']!r} may not apply; allowed: "
                    f"{', '.join(rules.park.allowed_levels)}",
                    f"园区级别“{details['level']}”不符合申报条件",
                )
            )
    elif category == Category.GREEN_FACTORY:
        code = details.get("high_energy_industry")
        if code:
            industry = _industry(rules, str(code))
            if industry is None:
                allowed = ", ".join(i.code for i in rules.high_energy_industries)
                problems.append(
                    Problem(
                        "high_energy_industry",
                        f"{code!r} is not a high-energy industry of rule set {rules.code}: "
                        f"{allowed}",
                        f"“{code}”不是本批次规定的高耗能行业（可选：{allowed}）",
                    )
                )
            else:
                for i, use in enumerate(details.get("energy_use") or []):
                    product = _energy_product(industry, str(use["product"]))
                    if product is None:
                        names = "; ".join(p.product_en for p in industry.products)
                        problems.append(
                            Problem(
                                f"energy_use.{i}.product",
                                f"{use['product']!r} is not a product or process of "
                                f"{industry.name_en} "
                                f"in {industry.quota_standard}: {names}",
                                f"“{use['product']}”不是{industry.name_zh}能耗限额标准"
                                f"（{industry.quota_standard}）中的产品或工序",
                            )
                        )
                    elif use["unit"] != product.unit:
                        problems.append(
                            Problem(
                                f"energy_use.{i}.unit",
                                f"energy use of {product.product_en} must be stated in "
                                f"{product.unit}, "
                                f"not {use['unit']}",
                                f"{product.product_zh}的单位产品能耗应以{product.unit}填报，而非{use['unit']}",
                            )
                        )
    return problems


def window_start(today: date, years: int) -> date:
    """The first day inside a window of `years` years ending `today` (29 Feb → 28 Feb)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _energy_reasons(
    rules: RuleSet, details: dict[str, Any]
) -> tuple[list[EligibilityReason], list[EligibilityReason]]:
    reasons: list[EligibilityReason] = []
    notes: list[EligibilityReason] = []
    industry = _industry(rules, str(details.get("high_energy_industry") or ""))
    if industry is None:
        return reasons, notes
    for i, use in enumerate(details.get("energy_use") or []):
        product = _energy_product(industry, str(use["product"]))
        if product is None:
            continue  # refused when the draft was written; a rule set edit is not our case
        standard = product.standard or industry.quota_standard
        value = float(use["value"])
        evidence = {
            "industry": industry.code,
            "product": product.product_en,
            "unit": product.unit,
            "value": value,
            "advanced_value": product.advanced_value,
            "standard": standard,
            "advanced_value_confirmed": product.confirmed,
            "rule_set": rules.code,
        }
        unconfirmed_en = (
            ""
            if product.confirmed
            else (
                f" (note: the advanced value {_fmt(product.advanced_value)} in rule set "
                f"{rules.code} "
                "is not yet confirmed against the standard)"
            )
        )
        unconfirmed_zh = (
            ""
            if product.confirmed
            else (
                f"（注：本批次规则中的先进值{_fmt(product.advanced_value)}尚未与标准原文核对确认）"
            )
        )
        if value > product.advanced_value:
            excess = value - product.advanced_value
            share = (
                f" ({excess / abs(product.advanced_value):.1%})" if product.advanced_value else ""
            )
            evidence["excess"] = excess
            reasons.append(
                EligibilityReason(
                    code="energy_above_advanced_value",
                    field=f"energy_use.{i}.value",
                    message=(
                        f"{product.product_en}: {_fmt(value)} {product.unit} is above the "
                        "advanced value "
                        f"{_fmt(product.advanced_value)} {product.unit} of {standard} by "
                        f"{_fmt(round(excess, 6))} {product.unit}{share}; a factory in a "
                        "high-energy "
                        f"industry must reach or beat it{unconfirmed_en}"
                    ),
                    message_zh=(
                        f"{product.product_zh}：单位产品能耗{_fmt(value)} {product.unit}，"
                        f"高于{standard}"
                        f"先进值{_fmt(product.advanced_value)} "
                        f"{product.unit}，超出{_fmt(round(excess, 6))} "
                        f"{product.unit}{share}；高耗能行业企业应达到或优于先进值{unconfirmed_zh}"
                    ),
                    evidence=evidence,
                )
            )
        elif not product.confirmed:
            notes.append(
                EligibilityReason(
                    code="advanced_value_unconfirmed",
                    field=f"energy_use.{i}.value",
                    message=(
                        f"{product.product_en}: {_fmt(value)} {product.unit} reaches the advanced "
                        "value "
                        f"{_fmt(product.advanced_value)} {product.unit} of "
                        f"{standard}{unconfirmed_en}"
                    ),
                    message_zh=(
                        f"{product.product_zh}：{_fmt(value)} {product.unit}达到{standard}先进值"
                        f"{_fmt(product.advanced_value)} {product.unit}{unconfirmed_zh}"
                    ),
                    evidence=evidence,
                )
            )
    return reasons, notes


def _park_reasons(rules: RuleSet, details: dict[str, Any]) -> list[EligibilityReason]:
    assert rules.park is not None
    reasons: list[EligibilityReason] = []
    share = float(details["industrial_added_value_share"])
    bound = rules.park.min_industrial_added_value_share
    if not share > bound:
        reasons.append(
            EligibilityReason(
                code="park_added_value_share",
                field="industrial_added_value_share",
                message=(
                    f"industrial added value is {share:.1%} of the park's total; it must be more "
                    "than "
                    f"{bound:.0%} (short by {bound - share:.1%})"
                ),
                message_zh=f"园区工业增加值占比为{share:.1%}，"
                f"应高于{bound:.0%}（差{bound - share:.1%}）",
                evidence={"share": share, "must_exceed": bound, "rule_set": rules.code},
            )
        )
    if details["level"] not in rules.park.allowed_levels:
        reasons.append(
            EligibilityReason(
                code="park_level",
                field="level",
                message=f"park level {details['level']} may not apply",
                message_zh=f"园区级别“{details['level']}”不符合申报条件",
                evidence={"level": details["level"], "allowed": list(rules.park.allowed_levels)},
            )
        )
    return reasons


def _exclusion_reasons(
    rules: RuleSet,
    declarations: ExclusionDeclarations | None,
    hits: list[ExclusionHit],
    today: date,
) -> tuple[list[EligibilityReason], list[EligibilityReason]]:
    reasons: list[EligibilityReason] = []
    notes: list[EligibilityReason] = []
    years = rules.exclusion_window_years
    since = window_start(today, years)
    if declarations is None:
        reasons.append(
            EligibilityReason(
                code="declarations_missing",
                field="declarations",
                message="the applicant has not declared the exclusion conditions",
                message_zh="申报单位未就各项否决条件作出声明",
            )
        )
    else:
        for kind in ExclusionKind:
            if getattr(declarations, kind.value):
                en, zh = EXCLUSION_NAMES[kind]
                reasons.append(
                    EligibilityReason(
                        code=f"declared_{kind.value}",
                        field=f"declarations.{kind.value}",
                        message=f"the applicant declares {en}"
                        + (f" within the last {years} years" if kind in DATED_KINDS else ""),
                        message_zh="申报单位声明："
                        + (f"近{years}年内" if kind in DATED_KINDS else "")
                        + zh,
                        evidence={"source": "declaration", "condition": kind.value},
                    )
                )
    for hit in hits:
        en, zh = EXCLUSION_NAMES[hit.kind]
        evidence = {
            "source": "exclusion_list",
            "list": hit.kind.value,
            "scope": hit.scope,
            "upload_id": hit.upload_id,
            "line": hit.line,
            "name": hit.name,
            "event_date": hit.event_date.isoformat() if hit.event_date else None,
            "rectified": hit.rectified,
            "note": hit.note,
        }
        where = f"list {hit.kind.value} ({hit.scope}), upload {hit.upload_id}, line {hit.line}"
        where_zh = f"名单{hit.kind.value}（{hit.scope}），上传批次{hit.upload_id}，第{hit.line}行"
        if hit.kind in DATED_KINDS:
            if hit.event_date is None or hit.event_date < since:
                notes.append(
                    EligibilityReason(
                        code=f"listed_{hit.kind.value}_outside_window",
                        message=f"{en} on {hit.event_date}, "
                        f"before the {years}-year window ({where})",
                        message_zh=f"{zh}发生于{hit.event_date}，早于近{years}年的审查期（{where_zh}）",
                        evidence=evidence,
                    )
                )
                continue
            reasons.append(
                EligibilityReason(
                    code=f"listed_{hit.kind.value}",
                    message=f"{en} on {hit.event_date}, within the last {years} years ({where})",
                    message_zh=f"近{years}年内（{hit.event_date}）发生{zh}（{where_zh}）",
                    evidence=evidence,
                )
            )
        elif hit.kind == ExclusionKind.ENERGY_RECTIFICATION and hit.rectified:
            notes.append(
                EligibilityReason(
                    code="listed_energy_rectification_rectified",
                    message=f"on the energy-conservation rectification list, rectified ({where})",
                    message_zh=f"曾列入工业节能监察整改名单，已完成整改（{where_zh}）",
                    evidence=evidence,
                )
            )
        else:
            reasons.append(
                EligibilityReason(
                    code=f"listed_{hit.kind.value}",
                    message=f"{en} ({where})",
                    message_zh=f"{zh}（{where_zh}）",
                    evidence=evidence,
                )
            )
    return reasons, notes


def assess(
    rules: RuleSet,
    category: Category,
    details: dict[str, Any],
    declarations: ExclusionDeclarations | None,
    hits: list[ExclusionHit],
    today: date,
) -> tuple[list[EligibilityReason], list[EligibilityReason]]:
    """Every reason the application cannot be recommended, and notes; `today` in China."""
    reasons: list[EligibilityReason] = []
    notes: list[EligibilityReason] = []
    if category == Category.GREEN_FACTORY:
        energy_reasons, energy_notes = _energy_reasons(rules, details)
        reasons += energy_reasons
        notes += energy_notes
    elif category == Category.GREEN_PARK:
        reasons += _park_reasons(rules, details)
    for problem in rule_problems(rules, category, details):
        if category != Category.GREEN_PARK:  # park level is already a reason above
            reasons.append(
                EligibilityReason(
                    code="rule_set",
                    field=problem.field,
                    message=problem.message,
                    message_zh=problem.message_zh,
                )
            )
    exclusion_reasons, exclusion_notes = _exclusion_reasons(rules, declarations, hits, today)
    return reasons + exclusion_reasons, notes + exclusion_notes
