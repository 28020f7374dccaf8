"""The agency service's database alone (its own PostgreSQL schema, migrated), for tests that
call its activities directly or run them under a test Temporal server."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.synthetic import RULES, registration
from services.agency import repository
from services.agency.models import Base, Engagement
from services.agency.qualification import assess
from shared.config import Settings
from shared.contracts.agency import AgencyRegistration
from shared.contracts.application import (
    ApplicationCase,
    EngagementRecord,
    ReportCommand,
    ReportRecord,
    Stage,
    StageTransition,
)
from shared.contracts.auth import Principal, Role
from shared.contracts.events import Facts
from shared.db import create_engine, migrate, session_factory
from shared.messaging.tables import MessagingBase
from shared.rules.model import Category
from tests.helpers.run import TEST_DATABASE_URL, make_settings, new_run_id


@contextlib.asynccontextmanager
async def agency_database(tmp: Path) -> AsyncIterator[tuple[Settings, async_sessionmaker[AsyncSession]]]:
    settings = make_settings(new_run_id(), "127.0.0.1:0", tmp)
    await migrate(settings, "agency", [Base.metadata, MessagingBase.metadata])
    engine = create_engine(settings, "agency")
    try:
        yield settings, session_factory(engine)
    finally:
        await engine.dispose()
        conn = await asyncpg.connect(TEST_DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{settings.schema_for("agency")}" CASCADE')
        finally:
            await conn.close()


def code(n: int) -> str:
    from shared.identifiers import credit_code_check_char

    first17 = f"91440300{n:09d}"
    return first17 + credit_code_check_char(first17)


async def add_agency(sessions: async_sessionmaker[AsyncSession], agency_id: str) -> None:
    body = AgencyRegistration.model_validate(registration(agency_id))
    async with sessions() as session, session.begin():
        await repository.add_agency(session, body=body, qualification=assess(
            body, RULES.agency, rule_set=RULES.code, on=datetime.now(UTC).date()))


async def add_engagement(
    sessions: async_sessionmaker[AsyncSession], *, agency_id: str, batch: str, category: str,
    status: str = "requested",
) -> EngagementRecord:
    """An engagement row (as entrusting makes it) and the record its acceptance would carry."""
    case = ApplicationCase(application_id=uuid.uuid4().hex, batch=batch,
                           category=Category(category), region="110000", applicant_name="示例企业",
                           credit_code=code(uuid.uuid4().int % 10**9))
    engagement_id = uuid.uuid4().hex
    async with sessions() as session, session.begin():
        session.add(Engagement(id=engagement_id, application_id=case.application_id,
                               batch=batch, category=category,
                               applicant_credit_code=case.credit_code, agency_id=agency_id,
                               rule_set=RULES.code, status=status))
    transition = StageTransition(seq=2, stage=Stage.EVALUATION, fact=Facts.ENGAGEMENT_ACCEPTED,
                                 actor=Principal(role=Role.AGENCY, scope=agency_id),
                                 at=datetime.now(UTC))
    return EngagementRecord(case=case, transition=transition, engagement_id=engagement_id,
                            agency_id=agency_id)


def report_record(accepted: EngagementRecord) -> ReportRecord:
    transition = accepted.transition.model_copy(
        update={"seq": 3, "stage": Stage.RECOMMENDATION, "fact": Facts.REPORT_SUBMITTED})
    return ReportRecord(case=accepted.case, transition=transition, report=ReportCommand(
        actor=accepted.transition.actor, engagement_id=accepted.engagement_id,
        agency_id=accepted.agency_id, passed=True, score=90.0))
