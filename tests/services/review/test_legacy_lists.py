"""Importing an already published list: idempotent, bad rows reported, the batch's triennial
review scheduled from the list's date."""

from __future__ import annotations

import uuid
from datetime import datetime

from cli.inprocess import Platform
from cli.synthetic import ok

LEGACY = """batch,category,region,name,credit_code,published_on
{b},绿色工厂,北京市,北京老厂,{c1},2017-08-25
{b},green_supply_chain,310000,上海链主,{c2},2017-08-25
{b},绿色工厂,999999,无名,{c3},2017-08-25
{b},绿色工厂,110000,坏代码,91350100M000100Y4A,2017-08-25
"""


async def test_legacy_list_import_is_idempotent_and_scheduled(platform: Platform) -> None:
    p = platform
    batch = f"17{uuid.uuid4().int % 90 + 10}-1"
    csv = LEGACY.format(b=batch, c1=p.credit_code("110000"), c2=p.credit_code("310000"), c3=p.credit_code("110000"))
    files = {"file": ("list.csv", csv.encode(), "text/csv")}
    first = ok(await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("ministry")))
    assert first["imported"] == 2 and first["already_present"] == 0 and first["batches"] == [batch]
    assert [(r["line"], r["reasons"][0].split(":")[0]) for r in first["rejected"]] == [(4, "region"), (5, "credit_code")]
    second = ok(await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("ministry")))
    assert second["imported"] == 0 and second["already_present"] == 2
    listed = ok(await p.review.get("/api/v1/public/list", params={"batch": batch}))
    assert listed["total"] == 2 and all(i["legacy"] for i in listed["items"])
    assert {i["region"] for i in listed["items"]} == {"110000", "310000"}
    schedule = ok(await p.review.get(f"/api/v1/ops/schedules/{batch}", headers=p.auth("ops")))
    # 2017's lists: reviewed in 2020, 2023, 2026 (the first runs are in the past now).
    assert all(datetime.fromisoformat(t).month == 8 for t in schedule["next_action_times"])
    assert {datetime.fromisoformat(t).year % 3 for t in schedule["next_action_times"]} == {2017 % 3}
    bad = await p.review.post("/api/v1/legacy-lists", files={"file": ("x.csv", b"name,region\nx,y\n", "text/csv")},
                              headers=p.auth("ministry"))
    assert bad.status_code == 422 and "line 1" in bad.json()["detail"]["message"]
    assert (await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("province", "110000"))).status_code == 403
