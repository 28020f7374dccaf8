"""Notify on the running platform: contacts, the inbox, and once per event and recipient."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import aio_pika
import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.inprocess import Platform
from cli.synthetic import ok
from services.notify import repository
from services.notify.app import PARTS
from services.notify.mailer import EmailSender
from services.notify.models import Email, Notification
from shared.config import Settings
from shared.contracts.auth import Principal, Role
from shared.contracts.events import EventEnvelope, Facts
from shared.db import create_engine, migrate, session_factory, utcnow
from shared.messaging.consumer import ConsumerRunner
from shared.messaging.tables import MessagingBase
from shared.messaging.topology import Topology
from tests.helpers.run import TEST_DATABASE_URL, make_settings, new_run_id
from tests.helpers.smtp import SmtpSink
from tests.services.notify.samples import CREDIT, REGION, envelope

PROVINCE_MAIL = "gxt-fujian@example.cn"


async def publish(settings: Settings, env: EventEnvelope, times: int = 1) -> None:
    connection = await aio_pika.connect(settings.amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await Topology(settings.amqp_prefix).declare_exchange(channel)
        for _ in range(times):
            await exchange.publish(
                aio_pika.Message(body=env.model_dump_json().encode(), message_id=env.id,
                                 type=env.type, content_type="application/json",
                                 delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key=env.type,
            )
    finally:
        await connection.close()


async def counts(sessions: async_sessionmaker[AsyncSession], event_id: str) -> tuple[int, int]:
    async with sessions() as session:
        notifications = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.event_id == event_id))
        emails = await session.scalar(
            select(func.count()).select_from(Email).join(Notification, Email.notification_id == Notification.id)
            .where(Notification.event_id == event_id))
    return int(notifications or 0), int(emails or 0)


async def province_contact(p: Platform, language: str = "en") -> None:
    ok(await p.notify.put(f"/api/v1/contacts/province/{REGION}",
                          json={"email": PROVINCE_MAIL, "language": language}, headers=p.auth("ministry")))


async def test_contacts(platform: Platform) -> None:
    p = platform
    credit = p.credit_code("110000")
    assert (await p.notify.get("/api/v1/contacts/me", headers=p.auth("applicant", credit))).status_code == 404
    body = ok(await p.notify.put("/api/v1/contacts/me", json={"email": "a@example.cn", "language": "en"},
                                 headers=p.auth("applicant", credit)))
    assert (body["role"], body["scope"], body["language"]) == ("applicant", credit, "en")
    got = ok(await p.notify.get("/api/v1/contacts/me", headers=p.auth("applicant", credit)))
    assert got["email"] == "a@example.cn"
    # Only the ministry and ops set someone else's contact.
    assert (await p.notify.put(f"/api/v1/contacts/province/{REGION}", json={"email": "x@example.cn"},
                               headers=p.auth("applicant", credit))).status_code == 403
    ok(await p.notify.put(f"/api/v1/contacts/agency/{credit}", json={"email": "ag@example.cn"},
                          headers=p.auth("ops")))
    assert ok(await p.notify.get(f"/api/v1/contacts/agency/{credit}", headers=p.auth("ministry")))["language"] == "zh"
    bad = await p.notify.put("/api/v1/contacts/me", json={"email": "not-an-address", "language": "fr"},
                             headers=p.auth("applicant", credit))
    assert bad.status_code == 422
    assert {e["loc"][-1] for e in bad.json()["detail"]["errors"]} == {"email", "language"}
    assert (await p.notify.get("/api/v1/inbox")).status_code == 401


async def test_same_event_published_twice_notifies_once(platform: Platform, smtp: SmtpSink) -> None:
    p = platform
    await province_contact(p, "en")
    env = envelope(Facts.BATCH_REMINDER_DUE)
    await publish(p.settings, env, times=2)

    mails = await smtp.wait_for(lambda m: m["X-Greenlist-Event"] == env.id)
    await asyncio.sleep(1.5)  # time for a second message to show up, if there were one
    assert len(smtp.of_event(env.id)) == 1
    mail = mails[0]
    assert mail["To"] == PROVINCE_MAIL
    assert mail["Subject"].startswith("[Green Manufacturing List] Reminder: batch 2020-5")
    assert "China Standard Time (Asia/Shanghai" in mail.get_content()
    notification_id = repository.notification_id(env.id, Principal(role=Role.PROVINCE, scope=REGION))
    assert mail["Message-ID"] == f"<{notification_id}@notify.greenlist>"

    assert await counts(p.runtime("notify").sessions, env.id) == (1, 1)
    inbox = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("province", REGION)))
    assert [n["id"] for n in inbox if n["event_id"] == env.id] == [notification_id]


async def test_handler_run_twice_for_one_envelope_acts_once(platform: Platform, smtp: SmtpSink) -> None:
    """What a redelivery after a crash before the ack does: the inbox row is found."""
    p = platform
    await province_contact(p, "zh")
    runtime = p.runtime("notify")
    consumer = runtime.consumers[0]
    runner = ConsumerRunner(consumer, runtime.sessions, runtime.topology,
                            on_committed=runtime.events_committed)
    env = envelope(Facts.UNIT_REMOVED)
    handler = consumer.handler_for(env.type)
    assert handler is not None
    assert await runner.handle(env, handler) is True
    assert await runner.handle(env, handler) is False
    assert await counts(runtime.sessions, env.id) == (2, 1)  # applicant (no contact) + province

    mails = await smtp.wait_for(lambda m: m["X-Greenlist-Event"] == env.id)
    await asyncio.sleep(1.0)
    assert len(smtp.of_event(env.id)) == 1
    assert mails[0]["Subject"].startswith("【绿色制造名单】移出名单通知")
    assert "发生Ⅲ级（较大）及以上突发环境事件" in mails[0].get_content()
    # The applicant has no contact: it is told in the app only.
    inbox = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("applicant", CREDIT)))
    assert any(n["event_id"] == env.id and n["language"] == "zh" for n in inbox)


async def test_inbox_is_private_newest_first_and_can_be_marked_read(platform: Platform) -> None:
    p = platform
    runtime = p.runtime("notify")
    consumer = runtime.consumers[0]
    runner = ConsumerRunner(consumer, runtime.sessions, runtime.topology)
    credit = p.credit_code("110000")
    from tests.services.notify.samples import payload_for
    events = []
    for fact in (Facts.APPLICATION_SUBMITTED, Facts.APPLICATION_LISTED):
        payload = payload_for(fact)
        payload["case"]["credit_code"] = credit
        events.append(envelope(fact, payload=payload))
        handler = consumer.handler_for(fact)
        assert handler is not None
        assert await runner.handle(events[-1], handler)
        await asyncio.sleep(0.01)

    mine = ok(await p.notify.get("/api/v1/inbox", headers=p.auth("applicant", credit)))
    assert [n["event_id"] for n in mine] == [events[1].id, events[0].id]  # newest first
    assert all(n["read_at"] is None for n in mine)
    first = mine[0]["id"]
    # Someone else's notification does not exist for the caller.
    other = p.credit_code("110000")
    assert (await p.notify.post(f"/api/v1/inbox/{first}/read", headers=p.auth("applicant", other))).status_code == 404
    assert (await p.notify.post(f"/api/v1/inbox/{first}/read", headers=p.auth("province", "110000"))).status_code == 404
    assert (await p.notify.post("/api/v1/inbox/nope/read", headers=p.auth("applicant", credit))).status_code == 404
    read = ok(await p.notify.post(f"/api/v1/inbox/{first}/read", headers=p.auth("applicant", credit)))
    assert read["read_at"] is not None
    again = ok(await p.notify.post(f"/api/v1/inbox/{first}/read", headers=p.auth("applicant", credit)))
    assert again["read_at"] == read["read_at"]
    unread = ok(await p.notify.get("/api/v1/inbox", params={"unread": "true"}, headers=p.auth("applicant", credit)))
    assert [n["event_id"] for n in unread] == [events[0].id]
    assert ok(await p.notify.get("/api/v1/inbox", headers=p.auth("applicant", other))) == []


# ----------------------------------------------------------------------------- sender, alone


@pytest.fixture
async def notify_db(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A notify schema of its own, so no platform sender competes for the rows."""
    settings = make_settings(new_run_id(), "127.0.0.1:1", tmp_path)
    await migrate(settings, "notify", [PARTS.metadata, MessagingBase.metadata])
    engine = create_engine(settings, "notify")
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
        conn = await asyncpg.connect(TEST_DATABASE_URL.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{settings.schema_for("notify")}" CASCADE')
        finally:
            await conn.close()


class FlakyMailer:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("SMTP server away")
        self.sent.append(message)


async def test_failed_send_stays_pending_and_retries_with_backoff(
    notify_db: async_sessionmaker[AsyncSession],
) -> None:
    event_id = str(uuid.uuid4())
    recipient = Principal(role=Role.APPLICANT, scope=CREDIT)
    async with notify_db() as session, session.begin():
        await repository.add_notification(
            session, event_id=event_id, routing_key=Facts.APPLICATION_LISTED, template="listed",
            recipient=recipient, language="zh", subject="主题", body="正文\n", address="a@example.cn")
        # The backstop: the same event and recipient again adds nothing.
        assert await repository.add_notification(
            session, event_id=event_id, routing_key=Facts.APPLICATION_LISTED, template="listed",
            recipient=recipient, language="zh", subject="主题", body="正文\n", address="a@example.cn") is None
    mailer = FlakyMailer(failures=2)
    sender = EmailSender(notify_db, mailer, sender="greenlist@miit.example", retry_base_seconds=0.3)

    assert await sender.send_due() == 1
    async with notify_db() as session:
        email = (await session.scalars(select(Email))).one()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "SMTP server away" in email.last_error and email.next_attempt_at > utcnow()
    assert await sender.send_due() == 0  # not due yet: backing off
    await asyncio.sleep(0.35)
    assert await sender.send_due() == 1  # second failure: waits 0.6 s now
    async with notify_db() as session:
        email = (await session.scalars(select(Email))).one()
    assert email.attempts == 2 and (email.next_attempt_at - utcnow()).total_seconds() > 0.4
    await asyncio.sleep(0.65)
    assert await sender.send_due() == 1
    assert await sender.send_due() == 0
    async with notify_db() as session:
        email = (await session.scalars(select(Email))).one()
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
    assert len(mailer.sent) == 1
    nid = repository.notification_id(event_id, recipient)
    assert mailer.sent[0]["Message-ID"] == f"<{nid}@notify.greenlist>"
    assert mailer.sent[0]["Subject"] == "主题"
