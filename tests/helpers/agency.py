"""Builders of agency data for tests: a qualified registration, valid structured reports of
each category (from the rule set's own tables), a signed report file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from services.agency.qualification import CONDITIONS
from shared.rules import load_rule_set

RULES = load_rule_set("2020-5")
PDF = b"%PDF-1.7\n% signed evaluation report\n%%EOF\n"


def staff(n: int, *, title: str = "intermediate", major: str = "energy",
          full_time: bool = True) -> list[dict[str, Any]]:
    return [{"name": f"{title}-{major}-{i}", "full_time": full_time, "title": title,
             "major": major} for i in range(n)]


def recent_record(years_ago: float = 1) -> dict[str, Any]:
    end = date.today() - timedelta(days=int(365 * years_ago))
    return {"kind": "green_evaluation", "title": "绿色工厂第三方评价",
            "started_on": (end - timedelta(days=90)).isoformat(), "ended_on": end.isoformat()}


def registration(code: str, **overrides: Any) -> dict[str, Any]:
    """A registration that meets every condition: 10 full-time staff, 6 senior in energy."""
    body: dict[str, Any] = {
        "credit_code": code,
        "name": "绿色评价中心",
        "legal_representative": "张三",
        "registered_in_prc": True,
        "independent_legal_person": True,
        "office_address": "深圳市南山区科技园1号",
        "financial_management_system": True,
        "staff": staff(6, title="senior") + staff(4, title="intermediate"),
        "records": [recent_record()],
    }
    body.update(overrides)
    return body


def declaration() -> dict[str, Any]:
    return {"declared": True, "statement": "本机构未参与自评价报告编制，与申报单位无关联关系"}


def evaluation(category: str, *, passed: bool = True) -> dict[str, Any]:
    """A structured evaluation that fits the rule set's table; full marks, or a failed basic
    requirement when not `passed`."""
    scoring = RULES.scoring
    if category == "green_factory":
        assert scoring.factory is not None
        basic = {r.code: True for r in scoring.factory.basic_requirements}
        if not passed:
            basic[scoring.factory.basic_requirements[0].code] = False
        items = {i.code: {"mandatory_met": True if i.mandatory else None,
                          "optional_points": i.optional_points}
                 for a in scoring.factory.areas for i in a.items}
        return {"kind": category, "basic_requirements": basic, "items": items}
    if category == "green_supply_chain":
        assert scoring.supply_chain is not None
        scores = {i.code: i.points for g in scoring.supply_chain.groups for i in g.items}
        scores.update({g.code: g.points for g in scoring.supply_chain.groups if not g.items})
        if not passed:
            scores = {k: 0 for k in scores}
        return {"kind": category, "scores": scores}
    if category == "green_park":
        assert scoring.park is not None
        basic = {r.code: passed for r in scoring.park.basic_requirements}
        indicators = {i.code: 1.0 for g in scoring.park.groups for i in g.indicators}
        years = [{"year": y, "score": 90, "indicators": dict(indicators)}
                 for y in (2017, 2018, 2019)]
        return {"kind": category, "basic_requirements": basic, "years": years}
    raise ValueError(f"no third-party evaluation for {category}")


def report(category: str, *, passed: bool = True) -> dict[str, Any]:
    return {
        "evaluation": evaluation(category, passed=passed),
        "conditions": [{"condition": c, "statement": f"本机构满足条件 {c}",
                        "evidence": [f"{c}.pdf"]} for c in CONDITIONS],
        "summary": "评价结论" if passed else "基本要求不满足",
    }


def report_upload(category: str, *, passed: bool = True,
                  body: dict[str, Any] | None = None) -> dict[str, Any]:
    """The keyword arguments of an httpx multipart POST of a report."""
    return {"data": {"report": json.dumps(body if body is not None
                                          else report(category, passed=passed))},
            "files": {"file": ("report.pdf", PDF, "application/pdf")}}
