"""The fifth batch's calendar (time-skipped from 2020-03-02): reminders in China time, working
days, an extension that moves the timers without repeating a reminder, the missing-package
report, publicity and objections before publication."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError

from services.intake import repository as intake_repository
from shared.chinatime import CHINA
from shared.contracts.auth import Principal, Role
from shared.contracts.batch import (
    BatchStart,
    ExtendCommand,
    ObjectionNotice,
    PackageCommand,
    PublicityCommand,
    PublishCommand,
    ReminderSpec,
)
from shared.rules import load_rule_set
from shared.temporal import batch_workflow_id
from shared.timeskip import start_time_skipping
from tests.helpers.histories import keep_history
from tests.helpers.services_side import services_side
from workflows.batch.workflow import BatchWorkflow

NOTICE = datetime(2020, 3, 2, 10, 0, tzinfo=CHINA)
MINISTRY = Principal(role=Role.MINISTRY)


def local(event: dict[str, object]) -> str:
    return datetime.fromisoformat(str(event["occurred_at"])).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


async def test_fifth_batch_calendar(tmp_path: Path) -> None:
    rules = load_rule_set("2020-5")
    env = await start_time_skipping(NOTICE)
    try:
        async with services_side(env, tmp_path, ("intake", "review")) as side:
            async with side.db["intake"]() as session, session.begin():
                await intake_repository.add_batch(session, code="2020-5", rule_set="2020-5", title="fifth",
                                                  deadline=rules.submission_deadline)
            handle = await env.client.start_workflow(
                BatchWorkflow.run,
                BatchStart(code="2020-5", rule_set="2020-5", deadline=rules.submission_deadline,
                           reminders=[ReminderSpec(amount=r.amount, unit=r.unit) for r in rules.reminder_offsets],
                           publicity_days=rules.publicity_days),
                id=batch_workflow_id("2020-5"), task_queue=side.queues.workflows,
            )
            # Beijing submits early; nobody else does.
            await env.sleep(timedelta(days=30))
            await handle.execute_update(BatchWorkflow.submit_package,
                                        PackageCommand(actor=Principal(role=Role.PROVINCE, scope="110000")))
            await env.sleep(timedelta(days=50))  # to 2020-05-21
            reminders = await side.events("batch.reminder.due", "intake")
            assert Counter(local(e) for e in reminders) == {"2020-05-02 09:00": 36}
            assert "110000" not in {e["payload"]["region"] for e in reminders}

            # The ministry extends the deadline to 15 June: the 7-day and 1-working-day reminders
            # move (8 June; Friday 12 June, the weekend is not a working day); the 30-day one
            # is not sent again.
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(BatchWorkflow.extend_deadline, ExtendCommand(
                    actor=MINISTRY, deadline=datetime(2020, 5, 1, tzinfo=CHINA)))
            extended = await handle.execute_update(BatchWorkflow.extend_deadline, ExtendCommand(
                actor=MINISTRY, deadline=datetime(2020, 6, 15, tzinfo=CHINA), reason="疫情"))
            assert extended.deadline == datetime(2020, 6, 15, tzinfo=CHINA)
            await env.sleep(timedelta(days=30))  # to 2020-06-20
            reminders = await side.events("batch.reminder.due", "intake")
            assert Counter(local(e) for e in reminders) == {
                "2020-05-02 09:00": 36, "2020-06-08 09:00": 36, "2020-06-12 09:00": 36}
            per_region = Counter((e["payload"]["region"], e["payload"]["offset"]) for e in reminders)
            assert set(per_region.values()) == {1}  # no authority reminded twice for one offset
            missing = await side.events("batch.deadline.passed", "intake")
            assert len(missing) == 1 and len(missing[0]["payload"]["missing"]) == 36
            assert local(missing[0]) == "2020-06-15 00:00"
            late = await env.client.get_workflow_handle_for(BatchWorkflow.run, handle.id).query(BatchWorkflow.view)
            assert late.stage == "reviewing" and late.packages == ["110000"]
            with pytest.raises(WorkflowUpdateFailedError) as late_package:
                await handle.execute_update(BatchWorkflow.submit_package,
                                            PackageCommand(actor=Principal(role=Role.PROVINCE, scope="310000")))
            assert "2020-06-15 00:00 (Asia/Shanghai)" in str(late_package.value.cause)

            # Publicity: 7 days; an open objection blocks publication until resolved.
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(BatchWorkflow.publish, PublishCommand(actor=MINISTRY))
            view = await handle.execute_update(BatchWorkflow.start_publicity, PublicityCommand(actor=MINISTRY))
            assert view.publicity_closes_at is not None
            assert view.publicity_closes_at - datetime(2020, 6, 20, tzinfo=UTC) < timedelta(days=8)
            await handle.signal(BatchWorkflow.objection, ObjectionNotice(objection_id=1, application_id="x"))
            await env.sleep(timedelta(days=8))
            with pytest.raises(WorkflowUpdateFailedError) as blocked:
                await handle.execute_update(BatchWorkflow.publish, PublishCommand(actor=MINISTRY))
            assert "objections are still open: 1" in str(blocked.value.cause)
            await handle.signal(BatchWorkflow.objection,
                                ObjectionNotice(objection_id=1, application_id="x", resolved=True))
            published = await handle.execute_update(BatchWorkflow.publish, PublishCommand(actor=MINISTRY))
            assert published.stage == "published"
            await handle.result()
            await keep_history(handle, "batch-deadlines-published")
            opened = await side.events("review.publicity.opened")
            assert len(opened) == 1
    finally:
        await env.shutdown()
