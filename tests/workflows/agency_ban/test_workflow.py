"""The ban is in force from its finding and ends by the workflow's durable timer after the
whole last day in China time: a report right after the finding and one at 23:59 on the last
day are refused, the same report the next day is accepted. Time-skipping server, real agency
activities on a real PostgreSQL schema."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from cli.synthetic import RULES
from services.agency import recording
from services.agency.activities import AgencyActivities
from services.agency.models import Ban, Report
from services.agency.supervision import ban_end, last_banned_day
from shared.chinatime import CHINA
from shared.contracts.agency import BanStart
from shared.errors import ErrorCode
from shared.messaging.tables import OutboxMessage
from shared.rules.book import RuleBook
from shared.temporal import TaskQueues, agency_ban_workflow_id
from tests.helpers.agency_db import add_agency, add_engagement, agency_database, code, report_record
from tests.helpers.histories import keep_history
from workflows.agency_ban.workflow import AgencyBanWorkflow


async def test_reports_are_refused_during_the_ban_and_accepted_the_day_after(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with agency_database(tmp_path) as (settings, sessions):
        acts = AgencyActivities(sessions, lambda: None, RuleBook())
        queues = TaskQueues(settings.task_queue_prefix)
        agency_id, batch = code(uuid.uuid4().int % 10**9), "2020-5"
        await add_agency(sessions, agency_id)
        earlier = await add_engagement(sessions, agency_id=agency_id, batch=batch,
                                       category="green_factory")
        await acts.record_acceptance(earlier)
        await acts.record_report(report_record(earlier))
        pending = await add_engagement(sessions, agency_id=agency_id, batch=batch,
                                       category="green_supply_chain")
        await acts.record_acceptance(pending)

        decided = await time_env.get_current_time()
        ends = ban_end(decided, years=RULES.agency.ban_years, zone=RULES.zone)
        finding = uuid.uuid4().hex
        async with Worker(time_env.client, task_queue=queues.workflows,
                          workflows=[AgencyBanWorkflow]), \
                Worker(time_env.client, task_queue=queues.agency,
                       activities=[acts.record_ban, acts.lift_ban]):
            handle = await time_env.client.start_workflow(
                AgencyBanWorkflow.run,
                BanStart(agency_id=agency_id, finding_id=finding, batch=batch, decided_at=decided,
                         ends_at=ends, reason="伪造评价数据 / fabricated evaluation data"),
                id=agency_ban_workflow_id(agency_id, finding), task_queue=queues.workflows)
            # Skip to the day before the ban ends: still banned, the report is refused.
            await time_env.sleep(ends - decided - timedelta(days=1))
            assert (await handle.query(AgencyBanWorkflow.view)).status == "banned"
            with pytest.raises(ApplicationError) as refused:
                await acts.record_report(report_record(pending))
            assert refused.value.type == ErrorCode.BANNED
            assert last_banned_day(ends).isoformat() in refused.value.message

            # The day after the end: the timer has fired and the ban is lifted.
            await time_env.sleep(timedelta(days=2))
            result = await handle.result()
            assert result.status == "lifted"
            assert result.lifted_at is not None and result.lifted_at >= ends
            await acts.record_report(report_record(pending))
            history = await handle.fetch_history()
            await keep_history(handle, "agency-ban-lifted")

        # The recorded history replays against the current code: the workflow is deterministic.
        await Replayer(workflows=[AgencyBanWorkflow],
                       data_converter=pydantic_data_converter).replay_workflow(history)

        async with sessions() as session:
            ban = await session.get(Ban, finding)
            assert ban is not None and ban.lifted_at is not None and ban.ends_at == ends
            assert ends.year - decided.year == 3
            flagged = (await session.scalars(select(Report).where(
                Report.agency_id == agency_id).order_by(Report.id))).all()
            # The report submitted before the sanction is flagged for the ministry's review;
            # the one accepted after the ban is not.
            assert [r.flagged_for_review for r in flagged] == [True, False]
            assert ban.flagged_report_ids == [flagged[0].id]
            facts = (await session.scalars(select(OutboxMessage.routing_key).where(
                OutboxMessage.routing_key.in_(["agency.agency.sanctioned",
                                               "agency.ban.lifted"])))).all()
            assert sorted(facts) == ["agency.agency.sanctioned", "agency.ban.lifted"]


async def test_a_ban_recorded_with_its_finding_holds_at_once_and_through_its_last_day(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with agency_database(tmp_path) as (settings, sessions):
        acts = AgencyActivities(sessions, lambda: None, RuleBook())
        queues = TaskQueues(settings.task_queue_prefix)
        agency_id, batch = code(uuid.uuid4().int % 10**9), "2020-5"
        await add_agency(sessions, agency_id)
        pending = await add_engagement(sessions, agency_id=agency_id, batch=batch,
                                       category="green_factory")
        await acts.record_acceptance(pending)

        decided = await time_env.get_current_time()
        ends = ban_end(decided, years=RULES.agency.ban_years, zone=RULES.zone)
        last = last_banned_day(ends)
        assert ends == datetime.combine(last + timedelta(days=1), time(0), CHINA)
        finding = uuid.uuid4().hex
        start = BanStart(agency_id=agency_id, finding_id=finding, batch=batch,
                         decided_at=decided, ends_at=ends, recorded=True,
                         reason="伪造评价数据 / fabricated evaluation data")
        # What the finding's route does in its transaction; no worker has run anything yet.
        async with sessions() as session, session.begin():
            await recording.record_ban(session, start=start)
        with pytest.raises(ApplicationError) as refused:
            await acts.record_report(report_record(pending))
        assert refused.value.type == ErrorCode.BANNED
        details = refused.value.details[0]
        assert details["last_day"] == last.isoformat()
        assert f"{last:%Y年%m月%d日}（北京时间，含当日）" in details["message_zh"]

        async with Worker(time_env.client, task_queue=queues.workflows,
                          workflows=[AgencyBanWorkflow]), \
                Worker(time_env.client, task_queue=queues.agency,
                       activities=[acts.record_ban, acts.lift_ban]):
            handle = await time_env.client.start_workflow(
                AgencyBanWorkflow.run, start,
                id=agency_ban_workflow_id(agency_id, finding), task_queue=queues.workflows)
            assert (await handle.query(AgencyBanWorkflow.view)).status == "banned"
            # 23:59 China time on the last day: still banned, the refusal names that day.
            await time_env.sleep(ends - timedelta(minutes=1) - await time_env.get_current_time())
            now = await time_env.get_current_time()
            assert now.astimezone(CHINA).date() == last and now < ends
            assert (await handle.query(AgencyBanWorkflow.view)).status == "banned"
            with pytest.raises(ApplicationError) as refused:
                await acts.record_report(report_record(pending))
            assert refused.value.type == ErrorCode.BANNED
            assert f"through {last.isoformat()} (China time" in refused.value.message

            # Past midnight China time: the next day, the timer has fired, the ban is lifted.
            await time_env.sleep(timedelta(minutes=2))
            result = await handle.result()
            assert result.status == "lifted"
            assert result.lifted_at is not None and result.lifted_at >= ends
            assert result.lifted_at.astimezone(CHINA).date() == last + timedelta(days=1)
            await acts.record_report(report_record(pending))
            history = await handle.fetch_history()
            await keep_history(handle, "agency-ban-recorded-with-finding-lifted")

        await Replayer(workflows=[AgencyBanWorkflow],
                       data_converter=pydantic_data_converter).replay_workflow(history)
        async with sessions() as session:
            ban = await session.get(Ban, finding)
            assert ban is not None and ban.lifted_at is not None and ban.ends_at == ends
            facts = (await session.scalars(select(OutboxMessage.routing_key).where(
                OutboxMessage.routing_key.in_(["agency.agency.sanctioned",
                                               "agency.ban.lifted"])))).all()
            # Recorded once: by the finding's transaction, not again by the workflow.
            assert sorted(facts) == ["agency.agency.sanctioned", "agency.ban.lifted"]
