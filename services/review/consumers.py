"""The read model of every case, fed only by the facts services announce."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.review.repository import read_model as cases
from shared.contracts.application import ApplicationCase
from shared.contracts.events import CASE_FACTS, EventEnvelope, Facts
from shared.messaging.consumer import Consumer

read_model = Consumer(name="review.read-model")


@read_model.on(Facts.APPLICATION_DRAFTED)
async def _drafted(session: AsyncSession, envelope: EventEnvelope) -> None:
    await cases.project_draft(session, case=envelope.payload_as(ApplicationCase))


async def _fact(session: AsyncSession, envelope: EventEnvelope) -> None:
    await cases.project_fact(session, envelope=envelope)


for _key in CASE_FACTS:
    read_model.on(_key)(_fact)

CONSUMERS = [read_model]
