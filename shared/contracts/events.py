"""The envelope every event travels in, and the routing keys of the facts services announce."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class EventEnvelope(BaseModel):
    """The AMQP body. `id` is also the AMQP message id and the consumers' dedupe key."""

    id: str
    type: str
    occurred_at: datetime
    payload: dict[str, Any]

    def payload_as(self, model: builtins.type[M]) -> M:
        return model.model_validate(self.payload)


class Facts:
    """Routing keys on the `greenlist.events` exchange: `{service}.{entity}.{fact}`."""

    APPLICATION_DRAFTED = "intake.application.drafted"
    APPLICATION_SUBMITTED = "intake.application.submitted"
    APPLICATION_RECOMMENDED = "intake.application.recommended"
    APPLICATION_RETURNED = "intake.application.returned"
    APPLICATION_NOT_RECOMMENDED = "intake.application.rejected"
    BATCH_OPENED = "intake.batch.opened"
    PACKAGE_SUBMITTED = "intake.package.submitted"
    AGENCY_REGISTERED = "agency.agency.registered"
    ENGAGEMENT_REQUESTED = "agency.engagement.requested"
    ENGAGEMENT_ACCEPTED = "agency.engagement.accepted"
    ENGAGEMENT_DECLINED = "agency.engagement.declined"
    REPORT_SUBMITTED = "agency.report.submitted"
    AGENCY_QUALIFICATION_CHANGED = "agency.qualification.changed"
    AGENCY_RELATION_ADDED = "agency.relation.added"
    SPOT_CHECK_DRAWN = "agency.spot_check.drawn"
    AGENCY_SANCTIONED = "agency.agency.sanctioned"
    AGENCY_BAN_LIFTED = "agency.ban.lifted"
    APPLICATION_APPROVED = "review.application.approved"
    APPLICATION_REJECTED = "review.application.rejected"
    APPLICATION_PUBLISHED = "review.application.published"
    APPLICATION_LISTED = "review.application.listed"
    LIST_PUBLISHED = "review.list.published"
    BATCH_REMINDER_DUE = "batch.reminder.due"
    BATCH_DEADLINE_PASSED = "batch.deadline.passed"
    BATCH_DEADLINE_EXTENDED = "batch.deadline.extended"
    PUBLICITY_OPENED = "review.publicity.opened"
    OBJECTION_LODGED = "review.objection.lodged"
    OBJECTION_RESOLVED = "review.objection.resolved"
    INFORMATION_REQUESTED = "review.application.information_requested"
    INFORMATION_PROVIDED = "intake.application.information_provided"
    APPLICATION_EXCLUDED = "review.application.excluded"
    UNIT_REMOVED = "review.unit.removed"
    UNITS_IMPORTED = "review.units.imported"
    YEARLY_REPORT_DUE = "review.yearly_report.due"
    YEARLY_REPORT_SUBMITTED = "review.yearly_report.submitted"
    REREVIEW_REQUESTED = "review.rereview.requested"
    REREVIEW_REMINDER_DUE = "review.rereview.reminder"
    REREVIEW_REPORTED = "review.rereview.reported"
    REREVIEW_COMPLETED = "review.rereview.completed"
    LISTING_SPOT_CHECK_DRAWN = "review.spot_check.drawn"



# Every fact in a case's history carries an ApplicationStageChanged payload.
CASE_FACTS: tuple[str, ...] = (
    Facts.APPLICATION_SUBMITTED,
    Facts.APPLICATION_RECOMMENDED,
    Facts.APPLICATION_RETURNED,
    Facts.APPLICATION_NOT_RECOMMENDED,
    Facts.ENGAGEMENT_ACCEPTED,
    Facts.REPORT_SUBMITTED,
    Facts.APPLICATION_APPROVED,
    Facts.APPLICATION_REJECTED,
    Facts.INFORMATION_REQUESTED,
    Facts.INFORMATION_PROVIDED,
    Facts.APPLICATION_EXCLUDED,
    Facts.APPLICATION_PUBLISHED,
    Facts.APPLICATION_LISTED,
)
