"""Transactional outbox: write events with the state change, relay them with confirms.

`add_event` puts the event row in the caller's session, so it commits or rolls back with the
change it announces. `OutboxRelay` publishes committed rows with publisher confirms and
persistent delivery, then marks them sent. A crash between publish and mark publishes the row
again; consumers dedupe on the message id, so each fact takes effect once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractExchange
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.contracts.application import ApplicationCase, ApplicationStageChanged, StageTransition
from shared.contracts.events import EventEnvelope
from shared.db import utcnow
from shared.loops import DrainLoop
from shared.messaging.tables import OutboxMessage

log = logging.getLogger(__name__)

_NAMESPACE = uuid.UUID("6f1c8a36-2f53-4c1e-9d2e-5f8f0a7c3b11")


def deterministic_message_id(key: str) -> str:
    """A message id derived from a business key, so a retried write cannot add a second row."""
    return str(uuid.uuid5(_NAMESPACE, key))


def add_event(
    session: AsyncSession,
    routing_key: str,
    payload: BaseModel,
    *,
    key: str | None = None,
    occurred_at: datetime | None = None,
) -> EventEnvelope:
    """Stage an event in the caller's transaction. `key` makes the message id deterministic."""
    envelope = EventEnvelope(
        id=deterministic_message_id(key) if key else str(uuid.uuid4()),
        type=routing_key,
        occurred_at=occurred_at or utcnow(),
        payload=payload.model_dump(mode="json"),
    )
    session.add(
        OutboxMessage(
            id=envelope.id,
            routing_key=routing_key,
            body=envelope.model_dump(mode="json"),
            created_at=utcnow(),
        )
    )
    return envelope


class OutboxRelay(DrainLoop):
    """Publishes a service's committed outbox rows; one per process that writes events."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        exchange: AbstractExchange,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 200,
    ) -> None:
        super().__init__(poll_seconds=poll_seconds, batch_size=batch_size)
        self._sessions = sessions
        self._exchange = exchange

    async def drain(self) -> int:
        return await self.publish_pending()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows in creation order; return how many were sent."""
        async with self._sessions() as session, session.begin():
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None))
                    .order_by(OutboxMessage.created_at, OutboxMessage.id)
                    .limit(self._batch)
                    # Several relays (one per replica) may run; each takes rows the others
                    # have not locked. SQLite ignores the clause and serialises writers.
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            # Confirms for the whole batch are awaited together: one round trip, not N.
            await asyncio.gather(*(self._publish(row) for row in rows))
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row.id for row in rows]))
                .values(sent_at=utcnow(), attempts=OutboxMessage.attempts + 1)
            )
            return len(rows)

    async def _publish(self, row: OutboxMessage) -> None:
        envelope = EventEnvelope.model_validate(row.body)
        await self._exchange.publish(
            aio_pika.Message(
                body=envelope.model_dump_json().encode(),
                message_id=envelope.id,
                type=envelope.type,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                timestamp=envelope.occurred_at,
            ),
            routing_key=row.routing_key,
            mandatory=False,
        )


def add_case_event(
    session: AsyncSession,
    case: ApplicationCase,
    transition: StageTransition,
    details: dict[str, Any] | None = None,
) -> EventEnvelope:
    """Stage the fact of one case transition. Its id derives from the case and the transition
    number, so an activity retried after its commit cannot announce the fact twice."""
    return add_event(
        session,
        transition.fact,
        ApplicationStageChanged(case=case, transition=transition, details=details or {}),
        key=f"{case.application_id}:{transition.seq}",
        occurred_at=transition.at,
    )
