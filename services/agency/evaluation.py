"""Checking a structured evaluation report against the rule set's scoring tables and
computing its result. Pure functions, no I/O.

Input that does not fit the table (an unknown code, points above an item's maximum, a park
year without all indicators) is refused as `InvalidReport` naming the field. Input that fits
is assessed: any failed or unreported basic requirement, or any mandatory item not shown
met, fails the evaluation whatever the score; otherwise it passes when the score reaches the
rule set's pass mark for the category.

Scores: factory = optional points earned, scaled to 100 over the points the table offers;
supply chain = the sum of the 100-point table; park = the latest reported year's score (the
report carries three years of indicator values and scores).
"""

from __future__ import annotations

from services.agency.qualification import CONDITIONS
from shared.contracts.agency import (
    Assessment,
    ConditionResult,
    EvaluationReport,
    FactoryEvaluation,
    ParkEvaluation,
    SupplyChainEvaluation,
)
from shared.labels import category_name
from shared.rules.model import Category, Requirement, RuleSet

_TOLERANCE = 1e-9


class InvalidReport(ValueError):
    """The report does not fit the rule set; `field` is the dotted path of the culprit."""

    def __init__(self, field: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.message_zh = message_zh


def _fail(code: str, en: str, zh: str) -> ConditionResult:
    return ConditionResult(code=code, met=False, message=en, message_zh=zh)


def _unknown(field: str, given: set[str], known: set[str], what: str, what_zh: str) -> None:
    extra = sorted(given - known)
    if extra:
        raise InvalidReport(field, f"unknown {what} code(s) {extra}; known: {sorted(known)}",
                            f"未知的{what_zh}编码{extra}；可用编码：{sorted(known)}")


def _basic(
    field: str, given: dict[str, bool], requirements: tuple[Requirement, ...]
) -> list[ConditionResult]:
    _unknown(field, set(given), {r.code for r in requirements}, "basic requirement", "基本要求")
    failures = []
    for req in requirements:
        if given.get(req.code) is not True:
            state = "not met" if req.code in given else "not reported"
            state_zh = "不满足" if req.code in given else "未报告"
            failures.append(_fail(f"basic:{req.code}", f"basic requirement {state}: {req.text_en}",
                                  f"基本要求{state_zh}：{req.text_zh}"))
    return failures


def _factory(rules: RuleSet, ev: FactoryEvaluation) -> tuple[float, list[ConditionResult]]:
    table = rules.scoring.factory
    if table is None:
        raise InvalidReport("evaluation.kind", f"rule set {rules.code} has no factory table",
                            f"规则集{rules.code}没有绿色工厂评价表")
    failures = _basic("evaluation.basic_requirements", ev.basic_requirements,
                      table.basic_requirements)
    items = {i.code: i for a in table.areas for i in a.items}
    _unknown("evaluation.items", set(ev.items), set(items), "factory item", "绿色工厂评价指标")
    earned = 0.0
    for code, result in ev.items.items():
        item = items[code]
        if result.optional_points > item.optional_points + _TOLERANCE:
            raise InvalidReport(
                f"evaluation.items.{code}.optional_points",
                f"{result.optional_points:g} points given, item {code} offers at most "
                f"{item.optional_points:g}",
                f"指标{code}给分{result.optional_points:g}，最高{item.optional_points:g}分",
            )
        earned += result.optional_points
    for item in items.values():
        if item.mandatory and (ev.items.get(item.code) is None
                               or ev.items[item.code].mandatory_met is not True):
            failures.append(_fail(f"item:{item.code}",
                                  f"mandatory requirements not shown met: {item.name_en}",
                                  f"必选要求未满足：{item.name_zh}"))
    available = sum(i.optional_points for i in items.values())
    return (round(100 * earned / available, 2) if available else 100.0), failures


def _supply_chain(rules: RuleSet, ev: SupplyChainEvaluation) -> tuple[float, list[ConditionResult]]:
    table = rules.scoring.supply_chain
    if table is None:
        raise InvalidReport("evaluation.kind", f"rule set {rules.code} has no supply chain table",
                            f"规则集{rules.code}没有绿色供应链管理企业评价表")
    lines = {i.code: i.points for g in table.groups for i in g.items}
    lines.update({g.code: g.points for g in table.groups if not g.items})
    _unknown("evaluation.scores", set(ev.scores), set(lines), "supply chain item",
             "绿色供应链评价指标")
    for code, points in ev.scores.items():
        if points > lines[code] + _TOLERANCE:
            raise InvalidReport(f"evaluation.scores.{code}",
                                f"{points:g} points given, {code} is worth at most {lines[code]:g}",
                                f"指标{code}给分{points:g}，最高{lines[code]:g}分")
    return round(sum(ev.scores.values()), 2), []


def _park(rules: RuleSet, ev: ParkEvaluation) -> tuple[float, list[ConditionResult]]:
    table = rules.scoring.park
    if table is None:
        raise InvalidReport("evaluation.kind", f"rule set {rules.code} has no park table",
                            f"规则集{rules.code}没有绿色园区评价表")
    failures = _basic("evaluation.basic_requirements", ev.basic_requirements,
                      table.basic_requirements)
    years = sorted(y.year for y in ev.years)
    expected = list(range(years[-1] - table.years_reported + 1, years[-1] + 1)) if years else []
    if years != expected or len(years) != table.years_reported:
        raise InvalidReport("evaluation.years",
                            f"the report shows {table.years_reported} consecutive years, "
                            f"got {years}",
                            f"报告应包含连续{table.years_reported}年的数据，实际为{years}")
    indicators = {i.code for g in table.groups for i in g.indicators}
    for n, year in enumerate(ev.years):
        _unknown(f"evaluation.years.{n}.indicators", set(year.indicators), indicators,
                 "park indicator", "绿色园区评价指标")
        missing = sorted(indicators - set(year.indicators))
        if missing:
            raise InvalidReport(f"evaluation.years.{n}.indicators",
                                f"year {year.year} lacks indicator values {missing}",
                                f"{year.year}年缺少指标数据{missing}")
    latest = max(ev.years, key=lambda y: y.year)
    return latest.score, failures


def assess(rules: RuleSet, category: Category, report: EvaluationReport) -> Assessment:
    """The computed result of `report` for an application of `category` under `rules`."""
    if report.evaluation.kind != category.value:
        raise InvalidReport("evaluation.kind",
                            f"the engagement is for a {category.value}, "
                            f"not a {report.evaluation.kind}",
                            f"委托的申报类别为{category_name(category.value)}，而报告为"
                            f"{category_name(report.evaluation.kind)}的评价")
    stated = {c.condition for c in report.conditions}
    _unknown("conditions", stated, set(CONDITIONS), "agency condition", "机构条件")
    missing = [c for c in CONDITIONS if c not in stated]
    if missing:
        raise InvalidReport("conditions",
                            f"the report explains item by item how the agency meets each "
                            f"condition; missing: {missing}",
                            f"报告应逐条说明机构满足各项条件的情况，缺少：{missing}")
    ev = report.evaluation
    if isinstance(ev, FactoryEvaluation):
        score, failures = _factory(rules, ev)
    elif isinstance(ev, SupplyChainEvaluation):
        score, failures = _supply_chain(rules, ev)
    else:
        score, failures = _park(rules, ev)
    pass_mark = rules.pass_marks.get(category)
    if pass_mark is None:
        raise InvalidReport("evaluation.kind", f"rule set {rules.code} has no pass mark for "
                                               f"{category.value}",
                            f"规则集{rules.code}没有{category_name(category.value)}的合格分数线")
    if score + _TOLERANCE < pass_mark:
        failures.append(_fail("score", f"score {score:g} is below the pass mark {pass_mark:g}",
                              f"得分{score:g}低于合格线{pass_mark:g}"))
    return Assessment(category=category, passed=not failures, score=score, pass_mark=pass_mark,
                      failures=failures)
