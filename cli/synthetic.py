"""Synthetic but valid data, and the people's steps through the HTTP API, for the end-to-end
tests, the benchmark and `greenlist simulate`: a qualified agency, an eligible application of
each category, structured evaluation reports from the rule set's own tables, and each
actor's call (draft, submit, entrust, accept, report, recommend, decide, publish)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

from cli.inprocess import Platform
from services.agency.qualification import CONDITIONS
from shared.rules import load_rule_set

RULES = load_rule_set("2020-5")
PDF = b"%PDF-1.7\n% signed evaluation report\n%%EOF\n"


def staff(
    n: int, *, title: str = "intermediate", major: str = "energy", full_time: bool = True
) -> list[dict[str, Any]]:
    return [
        {"name": f"{title}-{major}-{i}", "full_time": full_time, "title": title, "major": major}
        for i in range(n)
    ]


def recent_record(years_ago: float = 1, today: date | None = None) -> dict[str, Any]:
    """A green-evaluation job that ended `years_ago` before `today` (the simulation's date)."""
    end = (today or date.today()) - timedelta(days=int(365 * years_ago))
    return {
        "kind": "green_evaluation",
        "title": "绿色工厂第三方评价",
        "started_on": (end - timedelta(days=90)).isoformat(),
        "ended_on": end.isoformat(),
    }


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
        items = {
            i.code: {
                "mandatory_met": True if i.mandatory else None,
                "optional_points": i.optional_points,
            }
            for a in scoring.factory.areas
            for i in a.items
        }
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
        years = [
            {"year": y, "score": 90, "indicators": dict(indicators)} for y in (2017, 2018, 2019)
        ]
        return {"kind": category, "basic_requirements": basic, "years": years}
    raise ValueError(f"no third-party evaluation for {category}")


def report(category: str, *, passed: bool = True) -> dict[str, Any]:
    return {
        "evaluation": evaluation(category, passed=passed),
        "conditions": [
            {"condition": c, "statement": f"本机构满足条件 {c}", "evidence": [f"{c}.pdf"]}
            for c in CONDITIONS
        ],
        "summary": "评价结论" if passed else "基本要求不满足",
    }


def report_upload(
    category: str, *, passed: bool = True, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The keyword arguments of an httpx multipart POST of a report."""
    return {
        "data": {
            "report": json.dumps(body if body is not None else report(category, passed=passed))
        },
        "files": {"file": ("report.pdf", PDF, "application/pdf")},
    }


CATEGORIES = ("green_factory", "green_design_product", "green_park", "green_supply_chain")

# No exclusion condition applies: what an eligible applicant declares on submission.
CLEAN_DECLARATIONS: dict[str, bool] = {
    "major_accident": False,
    "pollution_incident": False,
    "supervision_finding": False,
    "energy_rectification": False,
    "dishonest_enforcement": False,
}

# A valid, eligible body per category under the 2020-5 rule set (beyond the common fields).
CATEGORY_DATA: dict[str, dict[str, Any]] = {
    "green_factory": {"industry_code": "C3857", "products": ["家用电冰箱"]},
    "green_design_product": {
        "industry_code": "C3851",
        "product_name": "房间空气调节器",
        "product_model": "KFR-35GW",
        "product_standard": "T/CAGP 0001-2016",
    },
    "green_park": {
        "industry_code": "L7221",
        "level": "provincial",
        "industrial_added_value_share": 0.62,
        "boundary": "省政府批复四至范围，规划面积12.5平方公里",
        "management_body": "园区管理委员会",
    },
    "green_supply_chain": {"industry_code": "C3612", "sector": "automotive"},
}


def draft_body(
    category: str, credit: str, region: str = "110000", **overrides: Any
) -> dict[str, Any]:
    """A complete, eligible draft body; `overrides` replace or add fields."""
    body: dict[str, Any] = {
        "category": category,
        "applicant_name": f"示例{category}企业",
        "credit_code": credit,
        "region": region,
        "address": "北京市海淀区示例路1号",
        "contact": {"name": "张三", "phone": "010-68205369", "email": "contact@example.cn"},
        **CATEGORY_DATA[category],
    }
    body.update(overrides)
    return body


async def submit(p: Platform, app_id: str, credit: str, **declared: bool) -> Any:
    """Submit with declarations (all false unless `declared` says otherwise); the response."""
    return await p.intake.post(
        f"/api/v1/applications/{app_id}/submit",
        json={"declarations": {**CLEAN_DECLARATIONS, **declared}},
        headers=p.auth("applicant", credit),
    )


class UnexpectedResponse(AssertionError):
    """The platform answered other than the scenario expects (an AssertionError, so a test
    that drives the platform reports it as a failed expectation)."""


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise UnexpectedResponse(what)


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    if resp.status_code != status:
        raise UnexpectedResponse(
            f"{resp.request.method} {resp.request.url}: {resp.status_code} {resp.text}"
        )
    body: dict[str, Any] = resp.json()
    return body


async def open_batch(p: Platform, code: str, rule_set: str = "demo") -> None:
    """Open a batch; `demo` is 2020-5 (deadline passed) with no publicity period."""
    ok(
        await p.intake.post(
            "/api/v1/batches", json={"code": code, "rule_set": rule_set}, headers=p.auth("ministry")
        ),
        201,
    )


async def register_agency(p: Platform, **overrides: Any) -> str:
    """Register an agency that meets every condition (unless `overrides` say otherwise)."""
    code = p.credit_code("440300")
    ok(
        await p.agency.post(
            "/api/v1/agencies", json=registration(code, **overrides), headers=p.auth("agency", code)
        ),
        201,
    )
    return code


async def draft(p: Platform, batch: str, category: str, region: str = "110000") -> tuple[str, str]:
    credit = p.credit_code(region)
    body = ok(
        await p.intake.post(
            f"/api/v1/batches/{batch}/applications",
            json=draft_body(category, credit, region),
            headers=p.auth("applicant", credit),
        ),
        201,
    )
    return body["id"], credit


async def entrust(
    p: Platform, app_id: str, credit: str, agency_id: str, **extra: Any
) -> dict[str, Any]:
    """The applicant entrusts the agency, declaring independence."""
    return ok(
        await p.agency.post(
            "/api/v1/engagements",
            json={
                "application_id": app_id,
                "agency_id": agency_id,
                "independence": declaration(),
                **extra,
            },
            headers=p.auth("applicant", credit),
        ),
        201,
    )


async def accept(p: Platform, engagement_id: str, agency_id: str) -> Any:
    """The agency accepts, declaring independence; returns the raw response."""
    return await p.agency.post(
        f"/api/v1/engagements/{engagement_id}/acceptance",
        json={"accept": True, "independence": declaration()},
        headers=p.auth("agency", agency_id),
    )


async def submit_report(
    p: Platform, engagement: dict[str, Any], agency_id: str, passed: bool = True
) -> Any:
    """The agency uploads a valid structured report of the engagement's category and the
    signed file; returns the raw response."""
    return await p.agency.post(
        f"/api/v1/engagements/{engagement['id']}/report",
        **report_upload(engagement["category"], passed=passed),
        headers=p.auth("agency", agency_id),
    )


async def evaluate(
    p: Platform, app_id: str, credit: str, agency_id: str, passed: bool = True
) -> str:
    engagement = await entrust(p, app_id, credit, agency_id)
    ok(await accept(p, engagement["id"], agency_id))
    ok(await submit_report(p, engagement, agency_id, passed))
    return str(engagement["id"])


async def to_ministry(
    p: Platform, batch: str, category: str, agency_id: str, region: str = "110000"
) -> str:
    """Draft, submit, evaluate (where needed) and recommend one application; return its id."""
    app_id, credit = await draft(p, batch, category, region)
    submitted = ok(await submit(p, app_id, credit))
    if category != "green_design_product":
        expect(submitted["stage"] == "evaluation", f"{app_id} submitted: {submitted['stage']}")
        await evaluate(p, app_id, credit, agency_id)
    else:
        expect(submitted["stage"] == "recommendation", f"{app_id} submitted: {submitted['stage']}")
    recommended = ok(
        await p.intake.post(
            f"/api/v1/applications/{app_id}/recommendation",
            json={"decision": "recommend"},
            headers=p.auth("province", region),
        )
    )
    expect(
        recommended["stage"] == "ministry_review", f"{app_id} recommended: {recommended['stage']}"
    )
    return app_id


async def wait_stage(p: Platform, app_id: str, stage: str, timeout: float = 15) -> dict[str, Any]:
    """Poll the review read model (fed by events) until the case reaches `stage`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        body = ok(await p.review.get(f"/api/v1/ops/applications/{app_id}", headers=p.auth("ops")))
        if body["read_model"] and body["read_model"]["stage"] == stage:
            return body
        if asyncio.get_running_loop().time() > deadline:
            raise UnexpectedResponse(f"{app_id} did not reach {stage}: {body}")
        await asyncio.sleep(0.1)


async def publish(p: Platform, batch: str) -> dict[str, Any]:
    """Publicity (zero days under `demo`), then publication."""
    ok(await p.review.post(f"/api/v1/batches/{batch}/publicity", headers=p.auth("ministry")))
    for _ in range(100):
        view = await p.review.post(
            f"/api/v1/batches/{batch}/publication", headers=p.auth("ministry")
        )
        if view.status_code != 409 or "publicity" not in view.text:
            return ok(view)
        await asyncio.sleep(0.05)  # the zero-day publicity closes on the workflow's next task
    return ok(view)
