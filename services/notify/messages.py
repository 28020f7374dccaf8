"""Which facts notify whom, with which template, and how a message is rendered.

`ROUTES` is the whole policy as data: routing key → payload model, template name and the
audiences to tell. An audience is resolved from the payload's parties (the applicant's credit
code, the case's region, the engagement's agency) to a principal (role + scope), the same
pair a bearer token carries, so the in-app inbox needs no other mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from jinja2 import Environment
from pydantic import BaseModel

from shared.contracts.agency import EngagementView
from shared.contracts.application import ApplicationStageChanged
from shared.contracts.auth import Principal, Role
from shared.contracts.batch import DeadlineReport, ListedUnitsPublished, ObjectionOut
from shared.contracts.events import Facts
from shared.contracts.listing import (
    ReReviewNotice,
    UnitRemoved,
    YearlyReportDue,
)
from shared.contracts.notices import BatchReminderDue
from shared.labels import DEFAULT_LANGUAGE, LANGUAGES


class Audience(StrEnum):
    APPLICANT = "applicant"  # the case's applicant (credit code)
    PROVINCE = "province"  # the recommending authority of the case's region
    AGENCY = "agency"  # the agency of the engagement
    MINISTRY = "ministry"  # the ministry's shared mailbox


@dataclass(frozen=True)
class Route:
    template: str
    payload: type[BaseModel]
    audiences: tuple[Audience, ...]


A, P, G, M = Audience.APPLICANT, Audience.PROVINCE, Audience.AGENCY, Audience.MINISTRY
CASE = ApplicationStageChanged

ROUTES: dict[str, Route] = {
    Facts.APPLICATION_SUBMITTED: Route("submitted", CASE, (A,)),
    Facts.APPLICATION_RETURNED: Route("returned", CASE, (A,)),
    Facts.APPLICATION_NOT_RECOMMENDED: Route("not_recommended", CASE, (A,)),
    Facts.ENGAGEMENT_REQUESTED: Route("engagement_requested", EngagementView, (G,)),
    Facts.ENGAGEMENT_ACCEPTED: Route("engagement_accepted", CASE, (A,)),
    Facts.REPORT_SUBMITTED: Route("report_submitted", CASE, (A, P)),
    Facts.APPLICATION_APPROVED: Route("approved", CASE, (A, P)),
    Facts.APPLICATION_REJECTED: Route("rejected", CASE, (A, P)),
    Facts.APPLICATION_LISTED: Route("listed", CASE, (A,)),
    Facts.LIST_PUBLISHED: Route("list_published", ListedUnitsPublished, (M,)),
    Facts.BATCH_REMINDER_DUE: Route("reminder", BatchReminderDue, (P,)),
    Facts.UNIT_REMOVED: Route("removed", UnitRemoved, (A, P)),
    Facts.REREVIEW_REQUESTED: Route("rereview", ReReviewNotice, (P,)),
    Facts.REREVIEW_REMINDER_DUE: Route("rereview_reminder", ReReviewNotice, (P,)),
    Facts.YEARLY_REPORT_DUE: Route("yearly_report_due", YearlyReportDue, (A,)),
    Facts.INFORMATION_REQUESTED: Route("information_requested", CASE, (P,)),
    Facts.APPLICATION_EXCLUDED: Route("excluded", CASE, (A, P)),
    Facts.BATCH_DEADLINE_PASSED: Route("deadline_passed", DeadlineReport, (M,)),
    Facts.OBJECTION_LODGED: Route("objection_lodged", ObjectionOut, (M,)),
}


def parties(payload: BaseModel) -> dict[Audience, str | None]:
    """The scope of each audience in this payload (None: the payload names no such party)."""
    applicant = region = agency = None
    if isinstance(payload, ApplicationStageChanged):
        applicant, region = payload.case.credit_code, payload.case.region
        agency = payload.details.get("agency_id")
    elif isinstance(payload, EngagementView):
        applicant, agency = payload.applicant_credit_code, payload.agency_id
    elif isinstance(payload, UnitRemoved | YearlyReportDue):
        applicant, region = payload.credit_code, payload.region
    elif isinstance(payload, BatchReminderDue | ReReviewNotice):
        region = payload.region
    return {
        Audience.APPLICANT: applicant,
        Audience.PROVINCE: region,
        Audience.AGENCY: str(agency) if agency else None,
        Audience.MINISTRY: "*",
    }


def recipients(route: Route, payload: BaseModel) -> list[Principal]:
    """The distinct principals to tell, in the route's order."""
    scopes = parties(payload)
    found: list[Principal] = []
    for audience in route.audiences:
        scope = scopes[audience]
        if scope is None:
            continue
        principal = Principal(role=Role(audience.value), scope=scope)
        if principal not in found:
            found.append(principal)
    return found


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


class Renderer:
    """Renders `{template}.{language}.txt`: the first line is the subject, the rest the body.

    The environment is the service's one (`shared.templates.build_environment`): `.txt` email
    bodies are not autoescaped, because HTML-escaping a text/plain body would show `&amp;` to
    a reader of "A&B 有限公司"; StrictUndefined makes a misspelt variable fail the consumer
    (and the template tests) instead of sending a message with a hole in it."""

    def __init__(self, env: Environment) -> None:
        self._env = env

    def render(
        self, route: Route, payload: BaseModel, *, recipient: Principal, language: str,
        routing_key: str, occurred_at: datetime,
    ) -> Rendered:
        lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
        template = self._env.get_template(f"{route.template}.{lang}.txt")
        text = template.render(
            p=payload, recipient=recipient, lang=lang, fact=routing_key, occurred_at=occurred_at
        )
        subject, _, body = text.strip().partition("\n")
        return Rendered(subject=subject.strip()[:300], body=body.strip() + "\n")
