"""Sample events for every routed fact, as the announcing services would send them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shared.contracts.application import (
    ApplicationCase,
    ApplicationStageChanged,
    Stage,
    StageTransition,
)
from shared.contracts.auth import Principal, Role
from shared.contracts.batch import DeadlineReport, ListedUnitsPublished, ObjectionOut
from shared.contracts.events import EventEnvelope, Facts
from shared.contracts.listing import RemovalReason, ReReviewNotice, UnitRemoved, YearlyReportDue
from shared.contracts.notices import BatchReminderDue
from shared.rules.model import Category

CREDIT = "91350100M000100Y43"
AGENCY = "9144030071526726XG"
REGION = "350000"
AT = datetime(2020, 5, 20, 2, 30, tzinfo=UTC)
# 2020-06-01 00:00 in China is 2020-05-31 16:00 UTC.
DEADLINE = datetime(2020, 5, 31, 16, 0, tzinfo=UTC)

CASE = ApplicationCase(application_id="app-1", batch="2020-5", category=Category.GREEN_FACTORY,
                       region=REGION, applicant_name="福建示例有限公司", credit_code=CREDIT)

STAGE_OF = {
    Facts.APPLICATION_SUBMITTED: Stage.EVALUATION,
    Facts.APPLICATION_RETURNED: Stage.DRAFT,
    Facts.APPLICATION_NOT_RECOMMENDED: Stage.REJECTED,
    Facts.ENGAGEMENT_ACCEPTED: Stage.EVALUATION,
    Facts.REPORT_SUBMITTED: Stage.RECOMMENDATION,
    Facts.APPLICATION_APPROVED: Stage.APPROVED,
    Facts.APPLICATION_REJECTED: Stage.REJECTED,
    Facts.APPLICATION_LISTED: Stage.LISTED,
    Facts.INFORMATION_REQUESTED: Stage.INFORMATION_REQUESTED,
    Facts.APPLICATION_EXCLUDED: Stage.REJECTED,
}


def case_payload(fact: str, reason: str = "", details: dict[str, Any] | None = None) -> dict[str, Any]:
    return ApplicationStageChanged(
        case=CASE,
        transition=StageTransition(seq=3, stage=STAGE_OF[fact], fact=fact, reason=reason, at=AT,
                                   actor=Principal(role=Role.PROVINCE, scope=REGION)),
        details=details or {},
    ).model_dump(mode="json")


def payload_for(fact: str) -> dict[str, Any]:
    if fact == Facts.APPLICATION_RETURNED:
        return case_payload(fact, reason="请补充近三年能源消耗数据")
    if fact == Facts.INFORMATION_REQUESTED:
        return case_payload(fact, reason="请补充2019年单位产品能耗数据", details={"due": DEADLINE.isoformat()})
    if fact == Facts.APPLICATION_EXCLUDED:
        return case_payload(fact, reason="an objection lodged during publicity was upheld")
    if fact == Facts.BATCH_DEADLINE_PASSED:
        return DeadlineReport(batch="2020-5", deadline=DEADLINE, missing=["650000", "660000"],
                              at=DEADLINE).model_dump(mode="json")
    if fact == Facts.OBJECTION_LODGED:
        return ObjectionOut(id=7, batch="2020-5", application_id="app-1", lodged_by="某环保组织",
                            grounds="未如实申报环境事件", lodged_at=AT, status="open").model_dump(mode="json")
    if fact == Facts.REPORT_SUBMITTED:
        return case_payload(fact, details={"passed": True, "agency_id": AGENCY})
    if fact in STAGE_OF:
        return case_payload(fact, reason="材料不实" if "reject" in fact else "")
    if fact == Facts.ENGAGEMENT_REQUESTED:
        return {"id": "eng-1", "application_id": "app-1", "batch": "2020-5", "category": "green_park",
                "applicant_credit_code": CREDIT, "agency_id": AGENCY, "status": "requested",
                "note": "", "requested_at": AT.isoformat(), "decided_at": None}
    if fact == Facts.LIST_PUBLISHED:
        return ListedUnitsPublished(batch="2020-5", publication_id="pub-1", published_at=AT,
                                    count=1944).model_dump(mode="json")
    if fact == Facts.BATCH_REMINDER_DUE:
        return BatchReminderDue(batch="2020-5", region=REGION, deadline=DEADLINE,
                                offset=7).model_dump(mode="json")
    if fact == Facts.UNIT_REMOVED:
        return UnitRemoved(application_id="app-1", batch="2017-1", category=Category.GREEN_FACTORY,
                           credit_code=CREDIT, region=REGION, name="福建示例有限公司", removed_at=AT,
                           reasons=[RemovalReason.POLLUTION_INCIDENT, RemovalReason.DISHONEST],
                           ).model_dump(mode="json")
    if fact in (Facts.REREVIEW_REQUESTED, Facts.REREVIEW_REMINDER_DUE):
        return ReReviewNotice(review_id="rr-2017-1-2020", batch="2017-1", region=REGION, deadline=DEADLINE,
                              units=12, days_left=7 if "reminder" in fact else None).model_dump(mode="json")
    if fact == Facts.YEARLY_REPORT_DUE:
        return YearlyReportDue(application_id="app-1", name="福建示例有限公司", credit_code=CREDIT,
                               region=REGION, year=2021, due=DEADLINE.date()).model_dump(mode="json")
    raise KeyError(fact)


def envelope(fact: str, event_id: str | None = None, payload: dict[str, Any] | None = None) -> EventEnvelope:
    return EventEnvelope(id=event_id or str(uuid.uuid4()), type=fact, occurred_at=AT,
                         payload=payload if payload is not None else payload_for(fact))
