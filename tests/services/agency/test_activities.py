"""The acceptance and report activities against the agency's real PostgreSQL schema."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError

from services.agency.activities import AgencyActivities
from services.agency.models import Engagement, Report
from shared.errors import ErrorCode
from shared.messaging.tables import OutboxMessage
from shared.rules.book import RuleBook
from tests.helpers.agency_db import add_agency, add_engagement, code, report_record


def activities(sessions: async_sessionmaker[AsyncSession]) -> AgencyActivities:
    return AgencyActivities(sessions, lambda: None, RuleBook())


async def test_design_products_do_not_count_towards_the_cap(
    agency_sessions: async_sessionmaker[AsyncSession],
) -> None:
    acts = activities(agency_sessions)
    agency_id, batch = code(uuid.uuid4().int % 10**9), f"d{uuid.uuid4().hex[:6]}"
    await add_agency(agency_sessions, agency_id)
    for i in range(15):
        category = ("green_factory", "green_park", "green_supply_chain")[i % 3]
        await add_engagement(agency_sessions, agency_id=agency_id, batch=batch,
                             category=category, status="accepted")
    # At the cap of 15, a design product is still accepted: it is not an evaluation project
    # that counts.
    design = await add_engagement(agency_sessions, agency_id=agency_id, batch=batch,
                                  category="green_design_product")
    await acts.record_acceptance(design)
    sixteenth = await add_engagement(agency_sessions, agency_id=agency_id, batch=batch,
                                     category="green_factory")
    with pytest.raises(ApplicationError) as refused:
        await acts.record_acceptance(sixteenth)
    assert refused.value.type == ErrorCode.CAP_EXCEEDED
    assert refused.value.details[0]["count"] == 15
    # Another batch has its own count.
    other = await add_engagement(agency_sessions, agency_id=agency_id, batch=batch + "x",
                                 category="green_factory")
    await acts.record_acceptance(other)


async def test_acceptance_and_report_are_idempotent(
    agency_sessions: async_sessionmaker[AsyncSession],
) -> None:
    acts = activities(agency_sessions)
    agency_id = code(uuid.uuid4().int % 10**9)
    await add_agency(agency_sessions, agency_id)
    record = await add_engagement(agency_sessions, agency_id=agency_id, batch="2020-5",
                                  category="green_factory")
    await acts.record_acceptance(record)
    await acts.record_acceptance(record)  # a retry after the commit
    await acts.record_report(report_record(record))
    await acts.record_report(report_record(record))
    async with agency_sessions() as session:
        engagement = await session.get(Engagement, record.engagement_id)
        assert engagement is not None and engagement.status == "reported"
        reports = (await session.scalars(
            select(Report).where(Report.engagement_id == record.engagement_id))).all()
        assert len(reports) == 1
        facts = (await session.scalars(select(OutboxMessage.routing_key).where(
            OutboxMessage.routing_key.in_(["agency.engagement.accepted",
                                           "agency.report.submitted"])))).all()
        assert facts.count("agency.report.submitted") >= 1


async def test_an_unregistered_preparer_in_the_group_is_refused(
    agency_sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The parent (not an agency) prepared the self-evaluation: its subsidiary agency cannot
    evaluate the application."""
    from services.agency import repository

    acts = activities(agency_sessions)
    agency_id, parent = code(uuid.uuid4().int % 10**9), code(uuid.uuid4().int % 10**9)
    await add_agency(agency_sessions, agency_id)
    record = await add_engagement(agency_sessions, agency_id=agency_id, batch="2020-5",
                                  category="green_park")
    async with agency_sessions() as session, session.begin():
        await repository.add_relation(session, agency_id=agency_id, related_code=parent,
                                      kind="parent", declared_by="agency", note="")
        await repository.add_preparer(session, application_id=record.case.application_id,
                                      preparer_code=parent, recorded_by="ministry")
    with pytest.raises(ApplicationError) as refused:
        await acts.record_acceptance(record)
    assert refused.value.type == ErrorCode.NOT_INDEPENDENT
    assert parent in refused.value.message
