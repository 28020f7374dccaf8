"""Driving applications through the HTTP API only, as the people using it would."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.helpers.agency import declaration, registration, report_upload
from tests.helpers.platform import Platform

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
        "industry_code": "C3851", "product_name": "房间空气调节器", "product_model": "KFR-35GW",
        "product_standard": "T/CAGP 0001-2016",
    },
    "green_park": {
        "industry_code": "L7221", "level": "provincial", "industrial_added_value_share": 0.62,
        "boundary": "省政府批复四至范围，规划面积12.5平方公里", "management_body": "园区管理委员会",
    },
    "green_supply_chain": {"industry_code": "C3612", "sector": "automotive"},
}


def draft_body(category: str, credit: str, region: str = "110000", **overrides: Any) -> dict[str, Any]:
    """A complete, eligible draft body; `overrides` replace or add fields."""
    body: dict[str, Any] = {
        "category": category, "applicant_name": f"示例{category}企业", "credit_code": credit,
        "region": region, "address": "北京市海淀区示例路1号",
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


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, f"{resp.request.method} {resp.request.url}: {resp.status_code} {resp.text}"
    body: dict[str, Any] = resp.json()
    return body


async def open_batch(p: Platform, code: str, rule_set: str = "test-closed") -> None:
    """Open a batch; `test-closed` is 2020-5 (deadline passed) with no publicity period."""
    ok(await p.intake.post("/api/v1/batches", json={"code": code, "rule_set": rule_set},
                           headers=p.auth("ministry")), 201)


async def register_agency(p: Platform, **overrides: Any) -> str:
    """Register an agency that meets every condition (unless `overrides` say otherwise)."""
    code = p.credit_code("440300")
    ok(await p.agency.post("/api/v1/agencies", json=registration(code, **overrides),
                           headers=p.auth("agency", code)), 201)
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


async def entrust(p: Platform, app_id: str, credit: str, agency_id: str,
                  **extra: Any) -> dict[str, Any]:
    """The applicant entrusts the agency, declaring independence."""
    return ok(
        await p.agency.post("/api/v1/engagements",
                            json={"application_id": app_id, "agency_id": agency_id,
                                  "independence": declaration(), **extra},
                            headers=p.auth("applicant", credit)),
        201,
    )


async def accept(p: Platform, engagement_id: str, agency_id: str) -> Any:
    """The agency accepts, declaring independence; returns the raw response."""
    return await p.agency.post(f"/api/v1/engagements/{engagement_id}/acceptance",
                               json={"accept": True, "independence": declaration()},
                               headers=p.auth("agency", agency_id))


async def submit_report(p: Platform, engagement: dict[str, Any], agency_id: str,
                        passed: bool = True) -> Any:
    """The agency uploads a valid structured report of the engagement's category and the
    signed file; returns the raw response."""
    return await p.agency.post(f"/api/v1/engagements/{engagement['id']}/report",
                               **report_upload(engagement["category"], passed=passed),
                               headers=p.auth("agency", agency_id))


async def evaluate(p: Platform, app_id: str, credit: str, agency_id: str, passed: bool = True) -> str:
    engagement = await entrust(p, app_id, credit, agency_id)
    ok(await accept(p, engagement["id"], agency_id))
    ok(await submit_report(p, engagement, agency_id, passed))
    return str(engagement["id"])


async def to_ministry(p: Platform, batch: str, category: str, agency_id: str, region: str = "110000") -> str:
    """Draft, submit, evaluate (where needed) and recommend one application; return its id."""
    app_id, credit = await draft(p, batch, category, region)
    submitted = ok(await submit(p, app_id, credit))
    if category != "green_design_product":
        assert submitted["stage"] == "evaluation"
        await evaluate(p, app_id, credit, agency_id)
    else:
        assert submitted["stage"] == "recommendation"
    recommended = ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                                         json={"decision": "recommend"}, headers=p.auth("province", region)))
    assert recommended["stage"] == "ministry_review"
    return app_id


async def wait_stage(p: Platform, app_id: str, stage: str, timeout: float = 15) -> dict[str, Any]:
    """Poll the review read model (fed by events) until the case reaches `stage`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        body = ok(await p.review.get(f"/api/v1/ops/applications/{app_id}", headers=p.auth("ops")))
        if body["read_model"] and body["read_model"]["stage"] == stage:
            return body
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{app_id} did not reach {stage}: {body}")
        await asyncio.sleep(0.1)


async def publish(p: Platform, batch: str) -> dict[str, Any]:
    """Publicity (zero days under `test-closed`), then publication."""
    ok(await p.review.post(f"/api/v1/batches/{batch}/publicity", headers=p.auth("ministry")))
    for _ in range(100):
        view = await p.review.post(f"/api/v1/batches/{batch}/publication", headers=p.auth("ministry"))
        if view.status_code != 409 or "publicity" not in view.text:
            return ok(view)
        await asyncio.sleep(0.05)  # the zero-day publicity closes on the workflow's next task
    return ok(view)
