"""After publication, over HTTP: the review Schedule, yearly reports, spot checks and removal,
and what the public list shows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from cli.inprocess import Platform
from cli.synthetic import ok, open_batch, publish, register_agency, to_ministry


async def publish_two(p: Platform) -> tuple[str, list[str], datetime]:
    batch = f"22{uuid.uuid4().int % 90 + 10}-{uuid.uuid4().int % 9 + 1}"
    await open_batch(p, batch)
    agency = await register_agency(p)
    ids = [await to_ministry(p, batch, c, agency) for c in ("green_factory", "green_design_product")]
    for app_id in ids:
        ok(await p.review.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "approve"},
                               headers=p.auth("ministry")))
    await publish(p, batch)
    for _ in range(100):
        listed = ok(await p.review.get("/api/v1/public/list", params={"batch": batch}))
        if listed["total"] == 2 and all(i["status"] == "listed" for i in listed["items"]):
            break
        await asyncio.sleep(0.1)
    published = datetime.fromisoformat(listed["items"][0]["published_at"])
    return batch, ids, published


async def test_schedule_yearly_reports_spot_check_and_removal(platform: Platform) -> None:
    p = platform
    batch, ids, published = await publish_two(p)

    # Publishing created the batch's triennial-review Schedule: 09:00 China time on the
    # anniversary, every three years.
    schedule = ok(await p.review.get(f"/api/v1/ops/schedules/{batch}", headers=p.auth("ops")))
    assert schedule["time_zone"] == "Asia/Shanghai" and not schedule["paused"]
    local = published.astimezone(UTC)
    first = datetime.fromisoformat(schedule["next_action_times"][0])
    assert (first.year, first.month) == (published.year + 3, local.month)
    assert first.astimezone(UTC).hour == 1  # 09:00 in China
    years = [datetime.fromisoformat(t).year for t in schedule["next_action_times"][:3]]
    assert years == [published.year + 3, published.year + 6, published.year + 9]
    assert schedule["workflow_type"] == "ReReviewWorkflow"
    paused = ok(await p.review.post(f"/api/v1/ops/schedules/{batch}/pause", headers=p.auth("ops")))
    assert paused["paused"] and "ops" in paused["note"]
    assert (await p.review.post(f"/api/v1/ops/schedules/{batch}/explode", headers=p.auth("ops"))).status_code == 422
    # Triggering starts a review now, exactly as the Schedule would: the authorities are asked.
    ok(await p.review.post(f"/api/v1/ops/schedules/{batch}/trigger", headers=p.auth("ops")))
    requested = await p.events.wait_for(lambda m: m["routing_key"] == "review.rereview.requested"
                                        and m["body"]["payload"]["batch"] == batch)
    assert requested[0]["body"]["payload"]["region"] == "110000"
    assert requested[0]["body"]["payload"]["review_id"].startswith(f"rereview:{batch}-")
    reviews = ok(await p.review.get("/api/v1/rereviews", params={"batch": batch}, headers=p.auth("ministry")))
    assert len(reviews) == 1 and reviews[0]["status"] == "collecting"
    assert (await p.review.get(f"/api/v1/ops/schedules/{batch}", headers=p.auth("applicant", "x"))).status_code == 403

    # The listed unit submits its yearly report; the public list links it.
    unit = ok(await p.review.get(f"/api/v1/listed-units/{ids[0]}"))
    report = {"year": published.year, "url": "https://example.com/green-report.pdf", "summary": "绿色低碳发展报告"}
    assert (await p.review.post(f"/api/v1/listed-units/{ids[0]}/yearly-reports", json=report,
                                headers=p.auth("applicant", p.credit_code()))).status_code == 404
    ok(await p.review.post(f"/api/v1/listed-units/{ids[0]}/yearly-reports", json=report,
                           headers=p.auth("applicant", unit["credit_code"])), 201)
    again = await p.review.post(f"/api/v1/listed-units/{ids[0]}/yearly-reports", json=report,
                                headers=p.auth("applicant", unit["credit_code"]))
    assert again.status_code == 409 and again.json()["detail"]["field"] == "year"
    listed = ok(await p.review.get("/api/v1/public/list", params={"batch": batch, "category": "green_factory"}))
    assert listed["items"][0]["yearly_report"]["url"] == report["url"]

    # A reproducible spot check of the batch's units; a finding removes a unit with reasons.
    draw = ok(await p.review.post("/api/v1/spot-checks/listed-units", json={"batch": batch, "seed": 42},
                                  headers=p.auth("ministry")), 201)
    redraw = ok(await p.review.post("/api/v1/spot-checks/listed-units", json={"batch": batch, "seed": 42},
                                    headers=p.auth("ministry")), 201)
    assert draw["sample"] == redraw["sample"] and draw["population"] == 2 and draw["seed"] == 42
    target = draw["sample"][0]
    outsider = await p.review.post(f"/api/v1/spot-checks/listed-units/{draw['id']}/findings",
                                   json={"application_id": "nope", "qualifies": True, "finding": "ok"},
                                   headers=p.auth("ministry"))
    assert outsider.status_code == 422 and outsider.json()["detail"]["field"] == "application_id"
    finding = ok(await p.review.post(
        f"/api/v1/spot-checks/listed-units/{draw['id']}/findings",
        json={"application_id": target, "qualifies": False, "finding": "已停产", "reasons": ["cancelled_or_suspended"]},
        headers=p.auth("ministry")), 201)
    assert finding["removal_status"] == "removed"
    removed = ok(await p.review.get(f"/api/v1/listed-units/{target}"))
    assert removed["status"] == "removed" and removed["removal"]["reasons"] == ["cancelled_or_suspended"]
    assert removed["removal"]["source"] == "spot_check"
    dup = await p.review.post(f"/api/v1/listed-units/{target}/removal", json={"reasons": ["dishonest"]},
                              headers=p.auth("ministry"))
    assert dup.status_code in (404, 409)  # the unit's workflow has ended: nothing to remove twice
    await p.events.wait_for(lambda m: m["routing_key"] == "review.unit.removed"
                            and m["body"]["payload"]["application_id"] == target)


async def test_public_page_exports_and_announcement(platform: Platform) -> None:
    p = platform
    batch, ids, published = await publish_two(p)
    page = await p.review.get("/public", params={"batch": batch})
    assert page.status_code == 200 and "绿色制造名单" in page.text and "绿色工厂" in page.text
    assert "北京市" in page.text
    english = await p.review.get("/public", params={"batch": batch, "lang": "en"})
    assert "Green Manufacturing List" in english.text and "green factory" in english.text
    csv = await p.review.get("/api/v1/public/list.csv", params={"batch": batch})
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("批次,类别") and len(lines) == 3
    xlsx = await p.review.get("/api/v1/public/list.xlsx", params={"batch": batch, "lang": "en"})
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Batch" and len(rows) == 3
    assert {r[1] for r in rows[1:]} == {"green factory", "green design product"}
    announcement = await p.review.get(f"/public/announcements/{batch}")
    assert announcement.status_code == 200
    assert f"关于公布{batch}批绿色制造名单的通告" in announcement.text and "绿色设计产品" in announcement.text
    assert published.astimezone(UTC).strftime("%Y") in announcement.text
    assert (await p.review.get("/public/announcements/1999-1")).status_code == 404
    bad = await p.review.get("/api/v1/public/list", params={"category": "green_tea"})
    assert bad.status_code == 422
