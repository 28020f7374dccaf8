"""An applicant is told, in Chinese, by email and in the app, as its case moves on."""

from __future__ import annotations

import asyncio
import uuid

import aio_pika

from cli.inprocess import Platform
from cli.synthetic import (
    draft,
    evaluate,
    ok,
    open_batch,
    publish,
    register_agency,
    submit,
    wait_stage,
)
from shared.messaging.topology import Topology
from tests.helpers.smtp import SmtpSink


async def test_applicant_hears_of_submission_approval_and_listing(platform: Platform, smtp: SmtpSink) -> None:
    p = platform
    batch = f"22{uuid.uuid4().int % 90 + 10}-{uuid.uuid4().int % 9 + 1}"
    await open_batch(p, batch)
    app_id, credit = await draft(p, batch, "green_design_product", "110000")
    address = f"{credit.lower()}@example.cn"
    ok(await p.notify.put("/api/v1/contacts/me", json={"email": address, "language": "zh"},
                          headers=p.auth("applicant", credit)))

    ok(await submit(p, app_id, credit))
    ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation", json={"decision": "recommend"},
                           headers=p.auth("province", "110000")))
    ok(await p.review.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "approve"},
                           headers=p.auth("ministry")))
    await publish(p, batch)
    await wait_stage(p, app_id, "listed")

    mails = await smtp.wait_for(lambda m: m["To"] == address, count=3)
    subjects = [m["Subject"] for m in mails]
    assert len(subjects) == 3, subjects
    assert subjects[0].startswith("【绿色制造名单】申报已提交")
    assert subjects[1].startswith("【绿色制造名单】工业和信息化部审核通过")
    assert subjects[2].startswith("【绿色制造名单】已列入绿色制造名单")
    assert all(m["Content-Language"] == "zh-CN" for m in mails)
    assert "北京时间" in mails[0].get_content() and app_id in mails[2].get_content()
    assert len({m["Message-ID"] for m in mails}) == 3

    inbox = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("applicant", credit)))
    assert [n["routing_key"] for n in inbox] == [
        "review.application.listed", "review.application.approved", "intake.application.submitted",
    ]
    assert [n["subject"] for n in reversed(inbox)] == subjects
    # The province heard of the ministry's decision in the app (it has no contact here).
    province = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("province", "110000")))
    assert any(n["routing_key"] == "review.application.approved" and app_id in n["body"] for n in province)


async def test_agency_province_and_applicant_hear_of_evaluation_and_return(
    platform: Platform, smtp: SmtpSink
) -> None:
    p = platform
    batch = f"23{uuid.uuid4().int % 90 + 10}-{uuid.uuid4().int % 9 + 1}"
    await open_batch(p, batch)
    agency_id = await register_agency(p)
    agency_mail = f"{agency_id.lower()}@agency.example.cn"
    ok(await p.notify.put("/api/v1/contacts/me", json={"email": agency_mail, "language": "en"},
                          headers=p.auth("agency", agency_id)))
    app_id, credit = await draft(p, batch, "green_factory", "310000")
    ok(await submit(p, app_id, credit))
    await evaluate(p, app_id, credit, agency_id)
    fix = "请补充近三年单位产品综合能耗数据"
    ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                           json={"decision": "return", "reason": fix}, headers=p.auth("province", "310000")))

    # The agency was asked, by email in its language and in its inbox.
    mail = (await smtp.wait_for(lambda m: m["To"] == agency_mail))[0]
    assert mail["Subject"].startswith("[Green Manufacturing List] New evaluation engagement")
    assert app_id in mail.get_content()

    async def applicant_facts() -> list[str]:
        inbox = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("applicant", credit)))
        return [n["routing_key"] for n in inbox]

    deadline = asyncio.get_running_loop().time() + 15
    while "intake.application.returned" not in await applicant_facts():
        assert asyncio.get_running_loop().time() < deadline, await applicant_facts()
        await asyncio.sleep(0.1)
    inbox = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("applicant", credit)))
    assert [n["routing_key"] for n in inbox] == [
        "intake.application.returned", "agency.report.submitted", "agency.engagement.accepted",
        "intake.application.submitted",
    ]
    assert fix in inbox[0]["body"] and inbox[0]["subject"].startswith("【绿色制造名单】申报被退回修改")
    province = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("province", "310000")))
    assert any(n["routing_key"] == "agency.report.submitted" and app_id in n["body"] for n in province)

    # Nothing notify received was parked as undeliverable.
    connection = await aio_pika.connect(p.settings.amqp_url)
    try:
        channel = await connection.channel()
        dlq = await channel.declare_queue(
            Topology(p.settings.amqp_prefix).dead_letter_queue("notify.messages"), passive=True)
        assert dlq.declaration_result.message_count == 0
    finally:
        await connection.close()
