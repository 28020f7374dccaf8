"""One live application per batch, category and credit code, drafts included: concurrent
creations give one 201 and 409 Duplicate for the rest (PostgreSQL, the whole platform)."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from cli.inprocess import Platform
from cli.synthetic import draft_body, ok
from services.intake.models import Application
from tests.services.intake.support import new_batch


async def test_concurrent_creations_of_one_application_leave_one(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    credit = p.credit_code("350000")
    body = draft_body("green_park", credit, "350000")

    async def create() -> tuple[int, dict[str, object]]:
        resp = await p.intake.post(f"/api/v1/batches/{batch}/applications", json=body,
                                   headers=p.auth("applicant", credit))
        return resp.status_code, resp.json()

    answers = await asyncio.gather(*(create() for _ in range(6)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * 5, answers
    created = next(answer for status, answer in answers if status == 201)
    for status, answer in answers:
        if status == 409:
            detail = answer["detail"]
            assert isinstance(detail, dict)
            assert detail["code"] == "Duplicate" and detail["field"] == "credit_code"
            assert detail["application_id"] == created["id"]
            assert created["id"] in detail["message"] and created["id"] in detail["message_zh"]
            assert "绿色园区" in detail["message_zh"] and "草稿" in detail["message_zh"]

    listed = ok(await p.intake.get("/api/v1/applications", params={"batch": batch},
                                   headers=p.auth("applicant", credit)))
    assert [a["id"] for a in listed if a["category"] == "green_park"] == [created["id"]]

    # Another category of the same unit is another application.
    ok(await p.intake.post(f"/api/v1/batches/{batch}/applications",
                           json=draft_body("green_factory", credit, "350000"),
                           headers=p.auth("applicant", credit)), 201)

    # Once the application has ended rejected, the unit may apply again in the batch.
    async with p.runtime("intake").sessions() as session, session.begin():
        await session.execute(update(Application).where(Application.id == created["id"])
                              .values(stage="rejected"))
    again = ok(await p.intake.post(f"/api/v1/batches/{batch}/applications", json=body,
                                   headers=p.auth("applicant", credit)), 201)
    assert again["id"] != created["id"]
