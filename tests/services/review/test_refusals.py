"""Every kind of refusal review gives (401, 403, 404, 409, 422) is one shape: a code, an
English message and a Chinese one officials can read, and the field when one is at fault."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from cli.inprocess import Platform
from cli.synthetic import ok

CJK = re.compile(r"[\u4e00-\u9fff]")


def refused(resp: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, f"{resp.request.url}: {resp.status_code} {resp.text}"
    detail: dict[str, Any] = resp.json()["detail"]
    assert detail["code"] == code, detail
    assert detail["message"], detail
    assert CJK.search(detail["message_zh"]), f"no Chinese in {detail['message_zh']!r}"
    if field is not None:
        assert detail.get("field") == field, detail
    return detail


async def test_every_kind_of_refusal_is_bilingual(platform: Platform) -> None:
    p = platform
    ministry = p.auth("ministry")
    decision = {"decision": "approve"}

    # 401 and 403: no token, the wrong role.
    refused(await p.review.post("/api/v1/applications/x/decision", json=decision), 401,
            "Unauthenticated")
    refused(await p.review.post("/api/v1/applications/x/decision", json=decision,
                                headers=p.auth("applicant", p.credit_code())), 403, "Forbidden")
    refused(await p.review.get("/api/v1/ops/schedules/x", headers=p.auth("province", "110000")),
            403, "Forbidden")

    # 404: absent things, read from the database and from Temporal.
    for resp in (
        await p.review.get("/api/v1/listed-units/nope"),
        await p.review.get("/api/v1/batches/1999-1/proposed-list"),
        await p.review.get("/public/announcements/1999-1"),
        await p.review.post("/api/v1/objections/2147483000/resolution",
                            json={"upheld": False, "resolution": "不成立"}, headers=ministry),
        await p.review.post("/api/v1/spot-checks/listed-units/nope/findings",
                            json={"application_id": "x", "qualifies": True, "finding": "ok"},
                            headers=ministry),
        await p.review.get("/api/v1/ops/applications/nope", headers=p.auth("ops")),
        await p.review.post("/api/v1/batches/1999-1/objections",
                            json={"application_id": "x", "lodged_by": "某公司",
                                  "grounds": "不符合条件的理由"}),
    ):
        refused(resp, 404, "NotFound")

    # 422: request validation, and the checks the routes make, each naming its field.
    refused(await p.review.post("/api/v1/applications/x/decision", json={"decision": "maybe"},
                                headers=ministry), 422, "Invalid", "decision")
    refused(await p.review.post("/api/v1/ops/schedules/x/explode", headers=p.auth("ops")),
            422, "Invalid", "action")
    bad_csv = {"file": ("x.csv", b"name,region\nx,y\n", "text/csv")}
    refused(await p.review.post("/api/v1/legacy-lists", files=bad_csv, headers=ministry),
            422, "Invalid", "file")
    refused(await p.review.post("/api/v1/legacy-lists", files=bad_csv, data={"rule_set": "nope"},
                                headers=ministry), 422, "Invalid", "rule_set")

    # A legacy list gives listed units to refuse more about.
    batch = f"16{uuid.uuid4().int % 90 + 10}-1"
    credit = p.credit_code("110000")
    rows = (f"batch,category,region,name,credit_code,published_on\n"
            f"{batch},绿色工厂,110000,北京老厂,{credit},2016-09-20\n")
    ok(await p.review.post("/api/v1/legacy-lists", headers=ministry,
                           files={"file": ("list.csv", rows.encode(), "text/csv")}))
    unit = ok(await p.review.get("/api/v1/public/list", params={"batch": batch}))["items"][0]
    unit_id = unit["application_id"]

    draw = ok(await p.review.post("/api/v1/spot-checks/listed-units",
                                  json={"batch": batch, "seed": 7}, headers=ministry), 201)
    findings = f"/api/v1/spot-checks/listed-units/{draw['id']}/findings"
    refused(await p.review.post(findings, headers=ministry,
                                json={"application_id": "nope", "qualifies": True,
                                      "finding": "ok"}), 422, "Invalid", "application_id")
    refused(await p.review.post(findings, headers=ministry,
                                json={"application_id": unit_id, "qualifies": False,
                                      "finding": "已停产"}), 422, "Invalid", "reasons")

    # 409: a yearly report twice, then a report of a unit no longer on the list.
    reports = f"/api/v1/listed-units/{unit_id}/yearly-reports"
    owner = p.auth("applicant", credit)
    report = {"year": 2017, "url": "https://example.com/report.pdf"}
    ok(await p.review.post(reports, json=report, headers=owner), 201)
    refused(await p.review.post(reports, json=report, headers=owner), 409, "Duplicate", "year")
    ok(await p.review.post(f"/api/v1/listed-units/{unit_id}/removal",
                           json={"reasons": ["dishonest"]}, headers=ministry))
    for _ in range(100):
        if ok(await p.review.get(f"/api/v1/listed-units/{unit_id}"))["status"] == "removed":
            break
        await asyncio.sleep(0.1)
    refused(await p.review.post(reports, json={**report, "year": 2018}, headers=owner),
            409, "WrongStage")
