"""One application of each category through every stage, over HTTP only."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from cli.inprocess import Platform
from cli.synthetic import (
    CATEGORIES,
    CLEAN_DECLARATIONS,
    draft_body,
    ok,
    open_batch,
    publish,
    register_agency,
    submit,
    to_ministry,
    wait_stage,
)
from tests.helpers.histories import keep_history

EXPECTED_FACTS = {
    "green_factory": [
        "intake.application.drafted", "intake.application.submitted", "agency.engagement.requested",
        "agency.engagement.accepted", "agency.report.submitted", "intake.application.recommended",
        "review.application.approved", "review.application.published", "review.application.listed",
    ],
}
EXPECTED_FACTS["green_park"] = EXPECTED_FACTS["green_supply_chain"] = EXPECTED_FACTS["green_factory"]
EXPECTED_FACTS["green_design_product"] = [
    "intake.application.drafted", "intake.application.submitted", "intake.application.recommended",
    "review.application.approved", "review.application.published", "review.application.listed",
]


async def test_each_category_travels_every_stage(platform: Platform) -> None:
    p = platform
    batch = f"20{uuid.uuid4().int % 90 + 10}-{uuid.uuid4().int % 9 + 1}"
    await open_batch(p, batch)
    agency_id = await register_agency(p)
    ids = {c: await to_ministry(p, batch, c, agency_id) for c in CATEGORIES}

    for app_id in ids.values():
        decided = ok(await p.review.post(f"/api/v1/applications/{app_id}/decision",
                                         json={"decision": "approve"}, headers=p.auth("ministry")))
        assert decided["stage"] == "approved"
    published = await publish(p, batch)
    assert published["stage"] == "published" and published["published_count"] == 4

    for app_id in ids.values():
        ops = await wait_stage(p, app_id, "listed")
        assert ops["workflow_id"] == f"application:{app_id}"
        assert [h["stage"] for h in ops["history"]][-2:] == ["published", "listed"]
        assert ops["problems"] == []

    listed = ok(await p.review.get("/api/v1/public/list", params={"batch": batch}))
    assert listed["total"] == 4
    assert {i["application_id"] for i in listed["items"]} == set(ids.values())
    assert {i["category"] for i in listed["items"]} == set(CATEGORIES)

    # Intake's own projection followed the facts the other services announced.
    for app_id in ids.values():
        body = ok(await p.intake.get(f"/api/v1/applications/{app_id}", headers=p.auth("ministry")))
        assert body["stage"] == "listed"

    # Each fact arrived exactly once, in the order of the case's life.
    await asyncio.sleep(0.5)
    for category, app_id in ids.items():
        received = p.events.of(app_id)
        ids_seen = Counter(m["id"] for m in received)
        assert all(n == 1 for n in ids_seen.values()), ids_seen
        assert [m["routing_key"] for m in received] == EXPECTED_FACTS[category], category
    batch_facts = [m for m in p.events.messages if m["routing_key"] == "review.list.published"
                   and m["body"]["payload"]["batch"] == batch]
    assert len(batch_facts) == 1 and batch_facts[0]["body"]["payload"]["count"] == 4
    for category in ("green_factory", "green_design_product"):
        handle = p.temporal.get_workflow_handle(f"application:{ids[category]}")
        await handle.result()
        await keep_history(handle, f"application-{category}-listed")
    await keep_history(p.temporal.get_workflow_handle(f"batch:{batch}"), "batch-published")


async def test_refusals_reach_the_caller(platform: Platform) -> None:
    p = platform
    batch = f"21{uuid.uuid4().int % 90 + 10}-{uuid.uuid4().int % 9 + 1}"
    await open_batch(p, batch)
    credit = p.credit_code("110000")
    draft = ok(await p.intake.post(
        f"/api/v1/batches/{batch}/applications",
        json=draft_body("green_design_product", credit), headers=p.auth("applicant", credit)), 201)
    app_id = draft["id"]

    # No token, another applicant, the wrong role.
    declared = {"declarations": CLEAN_DECLARATIONS}
    assert (await p.intake.post(f"/api/v1/applications/{app_id}/submit",
                                json=declared)).status_code == 401
    other = p.credit_code("110000")
    assert (await p.intake.post(f"/api/v1/applications/{app_id}/submit", json=declared,
                                headers=p.auth("applicant", other))).status_code == 404
    assert (await p.intake.post(f"/api/v1/applications/{app_id}/submit", json=declared,
                                headers=p.auth("province", "110000"))).status_code == 403

    # Recommending a draft: wrong stage, refused by the workflow's validator.
    wrong = await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                                json={"decision": "recommend"}, headers=p.auth("province", "110000"))
    assert wrong.status_code == 409 and wrong.json()["detail"]["code"] == "WrongStage"

    ok(await submit(p, app_id, credit))
    again = await submit(p, app_id, credit)
    assert again.status_code == 409 and again.json()["detail"]["code"] == "Duplicate"

    # Another region's official cannot see or recommend it.
    assert (await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                                json={"decision": "recommend"},
                                headers=p.auth("province", "310000"))).status_code == 404
    # Returning without saying what to fix is refused, naming the field.
    no_reason = await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                                    json={"decision": "return"}, headers=p.auth("province", "110000"))
    assert no_reason.status_code == 422 and no_reason.json()["detail"]["field"] == "reason"

    ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                           json={"decision": "recommend"}, headers=p.auth("province", "110000")))
    # Ministry decides once; a second decision is a duplicate; an applicant cannot decide.
    assert (await p.review.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "approve"},
                                headers=p.auth("applicant", credit))).status_code == 403
    ok(await p.review.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "approve"},
                           headers=p.auth("ministry")))
    dup = await p.review.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "reject",
                              "reason": "changed mind"}, headers=p.auth("ministry"))
    assert dup.status_code == 409 and dup.json()["detail"]["code"] == "Duplicate"

    # Bad input names the field.
    bad = await p.intake.post(
        f"/api/v1/batches/{batch}/applications",
        json=draft_body("green_factory", "91350100M000100Y4A"),
        headers=p.auth("applicant", "91350100M000100Y4A"))
    assert bad.status_code == 422
    assert bad.json()["detail"]["field"] == "credit_code"
    assert (await p.review.get("/api/v1/ops/applications/nope", headers=p.auth("ops"))).status_code == 404
