"""The outbox relay and the idempotent consumer against real PostgreSQL and RabbitMQ."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest
from pydantic import BaseModel
from sqlalchemy import String, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.config import Settings
from shared.contracts.events import EventEnvelope
from shared.db import create_engine, ensure_schema, new_metadata, session_factory
from shared.messaging.consumer import Consumer, ConsumerRunner, routing_key_matches
from shared.messaging.outbox import OutboxRelay, add_event
from shared.messaging.tables import MessagingBase, OutboxMessage
from shared.messaging.topology import Topology
from tests.helpers.run import drop_run, make_settings, new_run_id


class Base(DeclarativeBase):
    metadata = new_metadata()


class Applied(Base):
    """What a handler writes: one row per effect, so double effects are visible."""

    __tablename__ = "applied"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    note: Mapped[str] = mapped_column(String(100))


class Ping(BaseModel):
    note: str


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[tuple[Settings, async_sessionmaker[AsyncSession]]]:
    settings = make_settings(new_run_id(), "unused:7233", tmp_path)
    await ensure_schema(settings, "intake")
    engine = create_engine(settings, "intake")
    async with engine.begin() as conn:
        await conn.run_sync(MessagingBase.metadata.create_all)
        await conn.run_sync(Base.metadata.create_all)
    try:
        yield settings, session_factory(engine)
    finally:
        await engine.dispose()
        await drop_run(settings, consumers=("test.consumer",))


async def count_applied(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return len((await session.scalars(select(Applied))).all())


async def wait_until(predicate: object, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


def test_topic_matching() -> None:
    assert routing_key_matches("*.application.*", "intake.application.submitted")
    assert routing_key_matches("#", "a.b.c")
    assert routing_key_matches("review.#", "review.list.published")
    assert not routing_key_matches("*.application.*", "agency.engagement.accepted")


async def test_republished_message_takes_effect_once_and_poison_is_parked(
    env: tuple[Settings, async_sessionmaker[AsyncSession]],
) -> None:
    settings, sessions = env
    topology = Topology(settings.amqp_prefix)
    consumer = Consumer(name="test.consumer")
    calls: list[str] = []

    @consumer.on("test.ping.*")
    async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
        ping = envelope.payload_as(Ping)
        calls.append(ping.note)
        if ping.note == "poison":
            raise RuntimeError("this handler cannot process this message")
        session.add(Applied(note=ping.note))

    connection = await aio_pika.connect_robust(settings.amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await topology.declare_exchange(channel)
        runner = ConsumerRunner(consumer, sessions, topology)
        await runner.start(await connection.channel())
        relay = OutboxRelay(sessions, exchange, poll_seconds=0.1)

        async with sessions() as session, session.begin():
            first_id = add_event(session, "test.ping.sent", Ping(note="hello"), key="ping-1").id
        assert await relay.publish_pending() == 1
        await wait_until(lambda: _eq(count_applied(sessions), 1))

        # A relay that crashed after publishing but before marking the row publishes it again.
        async with sessions() as session, session.begin():
            await session.execute(update(OutboxMessage).values(sent_at=None))
        assert await relay.publish_pending() == 1
        # A later message on the same queue: once it is applied, the republished one was seen.
        async with sessions() as session, session.begin():
            add_event(session, "test.ping.sent", Ping(note="after"), key="ping-after")
        await relay.publish_pending()
        await wait_until(lambda: _eq(count_applied(sessions), 2))
        assert calls.count("hello") == 1  # the inbox made the second delivery a no-op
        async with sessions() as session:
            row = await session.scalar(select(OutboxMessage).where(OutboxMessage.id == first_id))
            assert row is not None
            assert await runner.handle(EventEnvelope.model_validate(row.body), handle) is False

        # A message whose handler always fails is retried, then parked in the dead-letter queue.
        async with sessions() as session, session.begin():
            add_event(session, "test.ping.sent", Ping(note="poison"), key="ping-2")
        await relay.publish_pending()
        dlq = await channel.declare_queue(topology.dead_letter_queue("test.consumer"), passive=True)
        parked: list[bytes] = []

        async def parked_count(n: int) -> bool:
            # A passive declare's message count is cached by robust channels: read the queue.
            message = await dlq.get(no_ack=True, fail=False)
            if message is not None:
                parked.append(message.body)
            return len(parked) == n

        await wait_until(lambda: parked_count(1), timeout=20)
        assert EventEnvelope.model_validate_json(parked[0]).payload == {"note": "poison"}
        assert 1 < calls.count("poison") <= 6
        # An undecodable message goes straight to the dead-letter queue, the handler never sees it.
        await exchange.publish(aio_pika.Message(b"not json", message_id="x"), routing_key="test.ping.bad")
        await wait_until(lambda: parked_count(2))
        assert parked[1] == b"not json"
        async with sessions() as session:
            # hello and after; neither the poison nor the undecodable message left an inbox row
            assert (await session.execute(text("SELECT count(*) FROM inbox"))).scalar() == 2
        await runner.stop()
    finally:
        await connection.close()


async def _eq(awaitable: object, expected: object) -> bool:
    return (await awaitable) == expected  # type: ignore[misc]
