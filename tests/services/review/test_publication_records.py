"""Decisions and objections are stored as their enums' values and read back as the enums; an
approval against which an objection was upheld stays off the published list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from services.review.app import PARTS
from services.review.repository import publication, publication_records
from shared.contracts.application import (
    ApplicationCase,
    DecisionKind,
    Stage,
    StageTransition,
    TransitionRecord,
)
from shared.contracts.auth import Principal, Role
from shared.contracts.batch import ObjectionStatus, PublicationRequest, PublicityRequest
from shared.db import create_engine, migrate, session_factory
from shared.messaging.tables import MessagingBase
from shared.rules.model import Category
from tests.conftest import drop_run, make_settings, new_run_id

MINISTRY = Principal(role=Role.MINISTRY)
AT = datetime(2020, 10, 20, 2, tzinfo=UTC)


def approved(application_id: str, stage: Stage = Stage.APPROVED) -> TransitionRecord:
    case = ApplicationCase(
        application_id=application_id, batch="2020-5", category=Category.GREEN_FACTORY,
        region="110000", applicant_name=f"工厂{application_id}", credit_code="x",
    )
    return TransitionRecord(case=case, transition=StageTransition(
        seq=5, stage=stage, fact="review.application.decided", actor=MINISTRY, at=AT))


async def test_upheld_objection_keeps_an_approval_off_the_list(tmp_path: Path) -> None:
    settings = make_settings(new_run_id(), "unused:0", tmp_path)
    await migrate(settings, "review", [PARTS.metadata, MessagingBase.metadata])
    engine = create_engine(settings, "review")
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            for app_id in ("a1", "a2"):
                await publication_records.record_decision(session, record=approved(app_id))
            await publication_records.record_decision(
                session, record=approved("a3", Stage.REJECTED)
            )
            await publication_records.open_publicity(session, request=PublicityRequest(
                batch="2020-5", actor=MINISTRY, opened_at=AT, closes_at=AT + timedelta(days=7)))
            objection = await publication_records.add_objection(
                session, batch="2020-5", application_id="a2", lodged_by="某组织", contact="",
                grounds="未如实申报")
            assert objection.status == ObjectionStatus.OPEN
            await publication_records.resolve_objection(
                session, objection=objection, upheld=True, resolution="属实", actor="ministry")
        async with sessions() as session:
            stored = await session.scalars(text("select status from objections"))
            assert list(stored) == ["upheld"]
            (found,) = await publication.list_objections(session, batch="2020-5")
            assert found.status is ObjectionStatus.UPHELD
            proposed = await publication.proposed_list(session, batch="2020-5")
            assert [(d.application_id, d.decision) for d in proposed] == [
                ("a1", DecisionKind.APPROVE), ("a2", DecisionKind.APPROVE)
            ]
        async with sessions() as session, session.begin():
            plan = await publication_records.prepare_publication(
                session, request=PublicationRequest(
                    batch="2020-5", publication_id="p1", actor=MINISTRY, at=AT))
        assert [c.application_id for c in plan.cases] == ["a1"]
        assert [c.application_id for c in plan.excluded] == ["a2"]
        async with sessions() as session:
            rows = await session.execute(text("select application_id, decision from decisions"))
            kinds = {app_id: kind for app_id, kind in rows}
            assert kinds == {"a1": "approve", "a2": "excluded", "a3": "reject"}
    finally:
        await engine.dispose()
        await drop_run(settings, consumers=())
