"""Idempotent consumers: the inbox row and the handler's writes commit together, then ack.

A handler gets the decoded envelope and a session in an open transaction. The message is
acked only after that transaction commits. A redelivered message whose id is already in the
inbox is acked without running the handler again. A message that cannot be decoded goes to
the dead-letter queue at once; one whose handler keeps failing is requeued until the quorum
queue's delivery limit parks it there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.contracts.events import EventEnvelope
from shared.messaging.tables import InboxMessage
from shared.messaging.topology import Topology

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


def routing_key_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching (`*` one word, `#` zero or more words)."""
    pat, words = pattern.split("."), key.split(".")

    def match(i: int, j: int) -> bool:
        if i == len(pat):
            return j == len(words)
        if pat[i] == "#":
            return any(match(i + 1, k) for k in range(j, len(words) + 1))
        if j == len(words):
            return False
        return (pat[i] == "*" or pat[i] == words[j]) and match(i + 1, j + 1)

    return match(0, 0)


@dataclass
class Consumer:
    """A named consumer: its bindings and the handler for each routing-key pattern."""

    name: str
    handlers: dict[str, Handler] = field(default_factory=dict)
    prefetch: int = 100

    def on(self, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.handlers[pattern] = handler
            return handler

        return register

    def handler_for(self, routing_key: str) -> Handler | None:
        for pattern, handler in self.handlers.items():
            if routing_key_matches(pattern, routing_key):
                return handler
        return None


class ConsumerRunner:
    """Runs one `Consumer` against its queue with a session factory for its service."""

    def __init__(
        self,
        consumer: Consumer,
        sessions: async_sessionmaker[AsyncSession],
        topology: Topology,
        on_committed: Callable[[], None] | None = None,
    ) -> None:
        self._consumer = consumer
        self._sessions = sessions
        self._topology = topology
        self._on_committed = on_committed
        self._queue: AbstractQueue | None = None
        self._tag: str | None = None

    async def start(self, channel: AbstractChannel) -> None:
        await channel.set_qos(prefetch_count=self._consumer.prefetch)
        self._queue = await self._topology.declare_consumer_queue(
            channel, self._consumer.name, list(self._consumer.handlers)
        )
        self._tag = await self._queue.consume(self._on_message)

    async def stop(self) -> None:
        if self._queue is not None and self._tag is not None:
            try:
                await self._queue.cancel(self._tag)
            except Exception:  # the channel may already be closed at shutdown
                log.debug("cancel of consumer %s failed", self._consumer.name, exc_info=True)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope = EventEnvelope.model_validate_json(message.body)
        except ValidationError:
            log.error("undecodable message %s on %s: dead-lettered", message.message_id,
                      self._consumer.name)
            await message.reject(requeue=False)
            return
        handler = self._consumer.handler_for(message.routing_key or envelope.type)
        try:
            if handler is not None:
                await self.handle(envelope, handler)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("consumer %s failed on %s (%s); requeued",
                          self._consumer.name, envelope.type, envelope.id)
            await message.nack(requeue=True)
            return
        await message.ack()

    async def handle(self, envelope: EventEnvelope, handler: Handler) -> bool:
        """Run the handler once per message id; return False when it had already run."""
        async with self._sessions() as session, session.begin():
            seen = await session.scalar(
                select(InboxMessage.message_id).where(
                    InboxMessage.consumer == self._consumer.name,
                    InboxMessage.message_id == envelope.id,
                )
            )
            if seen is not None:
                return False
            session.add(
                InboxMessage(
                    consumer=self._consumer.name, message_id=envelope.id, routing_key=envelope.type
                )
            )
            await handler(session, envelope)
        # Two concurrent deliveries of one id both pass the check; the inbox primary key
        # makes the second commit fail, so it is requeued and then skipped as seen.
        if self._on_committed is not None:
            self._on_committed()
        return True
