"""Intake's activities: the transitions this service owns, persisted with their facts."""

from __future__ import annotations

from temporalio import activity

from services.intake import recording
from shared.activities import ServiceActivities
from shared.contracts.application import SubmissionRecord, TransitionRecord
from shared.contracts.batch import (
    DeadlineReport,
    PackageRecord,
    PackageSubmitted,
    PlannedReminder,
    ReminderPlan,
    ReminderPlanRequest,
    ReminderRequest,
)
from shared.temporal import Activities
from shared.workdays import reminder_instant


class IntakeActivities(ServiceActivities):
    """Submission, recommendation (quota and eligibility under the lock), packages, reminders."""

    @activity.defn(name=Activities.INTAKE_RECORD_SUBMISSION)
    async def record_submission(self, record: SubmissionRecord) -> None:
        """Record the submission, the declarations and the eligibility check (idempotent)."""
        async with self.transaction() as session:
            await recording.record_submission(session, record=record, rules=self._rules)

    @activity.defn(name=Activities.INTAKE_RECORD_RECOMMENDATION)
    async def record_recommendation(self, record: TransitionRecord) -> None:
        """Record the authority's decision. A recommendation of an ineligible application
        fails with `Ineligible` (every reason in the details), one beyond the authority's
        quota with `QuotaExceeded`; both are final."""
        async with self.transaction() as session:
            await recording.record_recommendation(session, record=record, rules=self._rules)

    @activity.defn(name=Activities.INTAKE_RECORD_PACKAGE)
    async def record_package(self, record: PackageRecord) -> PackageSubmitted:
        """Record an authority's package and announce `intake.package.submitted` (once)."""
        async with self.transaction() as session:
            package = await recording.record_package(session, record=record)
        return package

    @activity.defn(name=Activities.INTAKE_RECORD_TRANSITION)
    async def record_transition(self, record: TransitionRecord) -> None:
        """A case fact intake owns with nothing more to keep (an authority's answer to the
        ministry): follow the stage and announce it."""
        async with self.transaction() as session:
            await recording.record_transition(session, record=record)

    @activity.defn(name=Activities.INTAKE_PLAN_REMINDERS)
    async def plan_reminders(self, request: ReminderPlanRequest) -> ReminderPlan:
        """Absolute reminder instants (09:00 China time), working days from the holiday table."""
        return ReminderPlan(
            reminders=[
                PlannedReminder(at=reminder_instant(request.deadline, r.amount, r.unit),
                                amount=r.amount, unit=r.unit)
                for r in request.reminders
            ]
        )

    @activity.defn(name=Activities.INTAKE_SEND_REMINDERS)
    async def send_reminders(self, request: ReminderRequest) -> list[str]:
        """Announce `batch.reminder.due` to every authority without a package; return them."""
        async with self.transaction() as session:
            regions = recording.remind_authorities(session, request=request)
        return regions

    @activity.defn(name=Activities.INTAKE_REPORT_MISSING_PACKAGES)
    async def report_missing_packages(self, report: DeadlineReport) -> None:
        """Tell the ministry which authorities submitted nothing by the deadline."""
        async with self.transaction() as session:
            recording.report_missing_packages(session, report=report)
