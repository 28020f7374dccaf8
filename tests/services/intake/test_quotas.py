"""Quotas per authority hold under concurrency (PostgreSQL decides the race)."""

from __future__ import annotations

import asyncio

from cli.inprocess import Platform
from cli.synthetic import ok
from tests.services.intake.support import at_authority, new_batch, recommend, register_agency

CHUNK = 8  # requests in flight while preparing; enough to be quick, few enough to be gentle


async def prepared(p: Platform, batch: str, category: str, region: str, n: int) -> list[str]:
    """`n` applications waiting for the authority, each agency evaluating at most 10."""
    agencies = [await register_agency(p) for _ in range((n + 9) // 10)]
    ids: list[str] = []
    for start in range(0, n, CHUNK):
        made = await asyncio.gather(*(
            at_authority(p, batch, category, agencies[i // 10], region=region)
            for i in range(start, min(n, start + CHUNK))
        ))
        ids += [app_id for app_id, _ in made]
    return ids


async def test_the_31st_factory_is_refused_when_it_races_the_30th(platform: Platform) -> None:
    p = platform
    batch, region = await new_batch(p), "320000"
    ids = await prepared(p, batch, "green_factory", region, 31)
    for start in range(0, 29, CHUNK):
        for resp in await asyncio.gather(*(recommend(p, a, region) for a in ids[start:min(29, start + CHUNK)])):
            ok(resp)

    thirtieth, thirty_first = await asyncio.gather(recommend(p, ids[29], region),
                                                   recommend(p, ids[30], region))
    statuses = sorted([thirtieth.status_code, thirty_first.status_code])
    assert statuses == [200, 409], (thirtieth.text, thirty_first.text)
    refused = thirtieth if thirtieth.status_code == 409 else thirty_first
    detail = refused.json()["detail"]
    assert detail["code"] == "QuotaExceeded" and detail["quota"] == "green_factory"
    assert (detail["limit"], detail["used"]) == (30, 30)
    assert "at most 30 green_factory" in detail["message"] and "最多推荐30个" in detail["message_zh"]

    listed = ok(await p.intake.get("/api/v1/applications", params={"batch": batch},
                                   headers=p.auth("province", region)))
    stages = sorted(a["stage"] for a in listed)
    assert stages.count("ministry_review") == 30 and stages.count("recommendation") == 1
    # Another authority's quota is its own.
    other = await prepared(p, batch, "green_factory", "330000", 1)
    ok(await recommend(p, other[0], "330000"))


async def test_the_4th_park_of_one_authority_is_refused(platform: Platform) -> None:
    p = platform
    batch, region = await new_batch(p), "510000"
    ids = await prepared(p, batch, "green_park", region, 4)
    for app_id in ids[:3]:
        ok(await recommend(p, app_id, region))
    refused = await recommend(p, ids[3], region)
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert (detail["code"], detail["quota"], detail["limit"]) == ("QuotaExceeded", "green_park", 3)
    # Design products have no quota in 2020.
    more = await prepared(p, batch, "green_design_product", region, 4)
    for resp in await asyncio.gather(*(recommend(p, a, region) for a in more)):
        ok(resp)
