"""Temporal names and the client factory: task queues, business-key ids, activity names,
search attributes and the error types that cross from workflows to HTTP callers."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.contrib.pydantic import pydantic_data_converter


@dataclass(frozen=True)
class TaskQueues:
    """Task queue names, prefixed so concurrent test runs never steal each other's tasks."""

    prefix: str = ""

    @property
    def workflows(self) -> str:
        return f"{self.prefix}greenlist-workflows"

    @property
    def intake(self) -> str:
        return f"{self.prefix}greenlist-intake"

    @property
    def agency(self) -> str:
        return f"{self.prefix}greenlist-agency"

    @property
    def review(self) -> str:
        return f"{self.prefix}greenlist-review"


def application_workflow_id(application_id: str) -> str:
    return f"application:{application_id}"


def batch_workflow_id(code: str) -> str:
    return f"batch:{code}"


def listing_workflow_id(application_id: str) -> str:
    return f"listing:{application_id}"


def rereview_schedule_id(batch: str) -> str:
    """The Schedule that starts a batch's triennial reviews; runs get ids `rereview:{batch}-…`."""
    return f"rereview:{batch}"


def agency_ban_workflow_id(agency_id: str, finding_id: str) -> str:
    return f"agency-ban:{agency_id}:{finding_id}"


class Activities:
    """Activity names; workflows call them by name so they never import service code."""

    INTAKE_RECORD_SUBMISSION = "intake.record_submission"
    INTAKE_RECORD_RECOMMENDATION = "intake.record_recommendation"
    INTAKE_RECORD_PACKAGE = "intake.record_package"
    AGENCY_RECORD_ACCEPTANCE = "agency.record_acceptance"
    AGENCY_RECORD_REPORT = "agency.record_report"
    AGENCY_RECORD_BAN = "agency.record_ban"
    AGENCY_LIFT_BAN = "agency.lift_ban"
    REVIEW_RECORD_DECISION = "review.record_decision"
    REVIEW_RECORD_LISTING = "review.record_listing"
    REVIEW_PREPARE_PUBLICATION = "review.prepare_publication"
    REVIEW_RECORD_REMOVAL = "review.record_removal"
    REVIEW_RECORD_TRANSITION = "review.record_transition"
    REVIEW_OPEN_PUBLICITY = "review.open_publicity"
    INTAKE_RECORD_TRANSITION = "intake.record_transition"
    INTAKE_PLAN_REMINDERS = "intake.plan_reminders"
    INTAKE_SEND_REMINDERS = "intake.send_reminders"
    INTAKE_REPORT_MISSING_PACKAGES = "intake.report_missing_packages"
    REVIEW_REMIND_YEARLY_REPORT = "review.remind_yearly_report"
    REVIEW_ENSURE_REREVIEW_SCHEDULE = "review.ensure_rereview_schedule"
    REVIEW_OPEN_REREVIEW = "review.open_rereview"
    REVIEW_REMIND_REREVIEW = "review.remind_rereview"
    REVIEW_RECORD_REREVIEW_REPORT = "review.record_rereview_report"
    REVIEW_COMPLETE_REREVIEW = "review.complete_rereview"


class SearchAttributes:
    """Custom search attributes, registered when the embedded server starts. No PII here."""

    BATCH = SearchAttributeKey.for_keyword("GlBatch")
    CATEGORY = SearchAttributeKey.for_keyword("GlCategory")
    REGION = SearchAttributeKey.for_keyword("GlRegion")
    STAGE = SearchAttributeKey.for_keyword("GlStage")
    DUE_AT = SearchAttributeKey.for_datetime("GlDueAt")

    ALL = (BATCH, CATEGORY, REGION, STAGE, DUE_AT)


async def connect(address: str, namespace: str = "default") -> Client:
    """A client with the Pydantic data converter; create one per process and share it."""
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter
    )
