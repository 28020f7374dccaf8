"""Intake's data access: keyword-only functions on an `AsyncSession`, no commits inside."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.models import Application, Batch, Recommendation
from services.intake.schemas import ApplicationDraft
from shared.contracts.application import (
    ApplicationCase,
    ApplicationStageChanged,
    Stage,
    TransitionRecord,
)
from shared.contracts.events import Facts
from shared.messaging.outbox import add_case_event, add_event
from shared.rules.model import Category

CATEGORY_LETTER = {
    Category.GREEN_FACTORY: "F",
    Category.GREEN_DESIGN_PRODUCT: "D",
    Category.GREEN_PARK: "P",
    Category.GREEN_SUPPLY_CHAIN: "S",
}
# Crockford-style alphabet: no I, L, O, U, so a number read over the phone is unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_application_id(batch: str, region: str, category: Category) -> str:
    """`{batch}-{region}-{F|D|P|S}{6 chars}`, e.g. `2020-5-110000-F7K3QX9`."""
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"{batch}-{region}-{CATEGORY_LETTER[category]}{suffix}"


async def get_batch(session: AsyncSession, *, code: str) -> Batch | None:
    return await session.get(Batch, code)


async def add_batch(session: AsyncSession, *, code: str, rule_set: str, title: str) -> Batch:
    batch = Batch(code=code, rule_set=rule_set, title=title)
    session.add(batch)
    return batch


async def get_application(session: AsyncSession, *, application_id: str) -> Application | None:
    return await session.get(Application, application_id)


async def list_applications(
    session: AsyncSession,
    *,
    batch: str | None = None,
    region: str | None = None,
    credit_code: str | None = None,
    stage: str | None = None,
) -> Sequence[Application]:
    query = select(Application).order_by(Application.created_at, Application.id)
    if batch:
        query = query.where(Application.batch == batch)
    if region:
        query = query.where(Application.region == region)
    if credit_code:
        query = query.where(Application.credit_code == credit_code)
    if stage:
        query = query.where(Application.stage == stage)
    return (await session.scalars(query)).all()


def case_of(app: Application, rule_needs_evaluation: bool) -> ApplicationCase:
    return ApplicationCase(
        application_id=app.id,
        batch=app.batch,
        category=Category(app.category),
        region=app.region,
        applicant_name=app.applicant_name,
        credit_code=app.credit_code,
        needs_evaluation=rule_needs_evaluation,
    )


async def add_draft(
    session: AsyncSession, *, batch: str, draft: ApplicationDraft, needs_evaluation: bool
) -> Application:
    app = Application(
        id=new_application_id(batch, draft.region, draft.category),
        batch=batch,
        category=draft.category.value,
        region=draft.region,
        applicant_name=draft.applicant_name,
        credit_code=draft.credit_code,
        details=draft.details,
        stage=Stage.DRAFT.value,
        stage_seq=0,
    )
    session.add(app)
    await session.flush()
    add_event(session, Facts.APPLICATION_DRAFTED, case_of(app, needs_evaluation), key=f"{app.id}:0")
    return app


async def apply_transition(session: AsyncSession, *, record: TransitionRecord) -> bool:
    """Move the projection forward; False when this transition (or a later one) is in already."""
    result = await session.execute(
        update(Application)
        .where(
            Application.id == record.case.application_id,
            Application.stage_seq < record.transition.seq,
        )
        .values(stage=record.transition.stage.value, stage_seq=record.transition.seq)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def record_submission(session: AsyncSession, *, record: TransitionRecord) -> None:
    if await apply_transition(session, record=record):
        add_case_event(session, record.case, record.transition)


async def record_recommendation(session: AsyncSession, *, record: TransitionRecord) -> None:
    if not await apply_transition(session, record=record):
        return
    decision = record.transition.fact.rsplit(".", 1)[-1]
    session.add(
        Recommendation(
            application_id=record.case.application_id,
            seq=record.transition.seq,
            batch=record.case.batch,
            region=record.case.region,
            category=record.case.category.value,
            decision=decision,
            reason=record.transition.reason,
            actor=record.transition.actor.label(),
            decided_at=record.transition.at,
        )
    )
    add_case_event(session, record.case, record.transition)


async def project_stage(session: AsyncSession, *, event: ApplicationStageChanged) -> None:
    """Follow a fact another service announced about one of our applications."""
    await apply_transition(
        session, record=TransitionRecord(case=event.case, transition=event.transition)
    )
