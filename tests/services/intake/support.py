"""Helpers for intake's HTTP tests (on top of tests/e2e/flow.py)."""

from __future__ import annotations

import random
from typing import Any

from cli.inprocess import Platform
from cli.synthetic import draft_body, evaluate, ok, register_agency, submit

_rng = random.Random()


async def new_batch(p: Platform, rule_set: str = "2020-5") -> str:
    """Open a batch with a code no other test uses (years 3000-9999 stay clear of e2e's)."""
    while True:
        code = f"{_rng.randint(3000, 9999)}-{_rng.randint(1, 99)}"
        resp = await p.intake.post("/api/v1/batches", json={"code": code, "rule_set": rule_set},
                                   headers=p.auth("ministry"))
        if resp.status_code == 201:
            return code
        assert resp.status_code == 409, resp.text


async def drafted(
    p: Platform, batch: str, category: str, region: str = "110000", **overrides: Any
) -> tuple[str, str]:
    """A draft with a full body (overrides applied); returns (application id, credit code)."""
    credit = p.credit_code(region)
    body = ok(await p.intake.post(f"/api/v1/batches/{batch}/applications",
                                  json=draft_body(category, credit, region, **overrides),
                                  headers=p.auth("applicant", credit)), 201)
    return body["id"], credit


async def at_authority(
    p: Platform, batch: str, category: str, agency_id: str | None, region: str = "110000",
    declared: dict[str, bool] | None = None, **overrides: Any,
) -> tuple[str, str]:
    """Drafted, submitted and (where needed) evaluated: waiting for the authority's decision."""
    app_id, credit = await drafted(p, batch, category, region, **overrides)
    submitted = ok(await submit(p, app_id, credit, **(declared or {})))
    if submitted["stage"] == "evaluation":
        assert agency_id is not None
        await evaluate(p, app_id, credit, agency_id)
    return app_id, credit


async def recommend(p: Platform, app_id: str, region: str = "110000") -> Any:
    return await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                               json={"decision": "recommend"}, headers=p.auth("province", region))


async def eligibility(p: Platform, app_id: str, role: str = "ministry", scope: str = "*") -> Any:
    return ok(await p.intake.get(f"/api/v1/applications/{app_id}/eligibility",
                                 headers=p.auth(role, scope)))


__all__ = ["at_authority", "drafted", "eligibility", "new_batch", "recommend", "register_agency"]
