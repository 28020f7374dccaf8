"""Intake listens to the facts other services announce about its applications."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import recording
from shared.contracts.application import ApplicationStageChanged
from shared.contracts.events import CASE_FACTS, EventEnvelope
from shared.messaging.consumer import Consumer

stages = Consumer(name="intake.stages")


async def _follow_stage(session: AsyncSession, envelope: EventEnvelope) -> None:
    await recording.project_stage(session, event=envelope.payload_as(ApplicationStageChanged))


for _fact in CASE_FACTS:
    if not _fact.startswith("intake."):
        stages.on(_fact)(_follow_stage)

CONSUMERS = [stages]
