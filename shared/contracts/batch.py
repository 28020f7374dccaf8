"""A batch: its rule set, and the commands that run it to publication."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from shared.contracts.application import ApplicationCase
from shared.contracts.auth import Principal
from shared.rules.model import Category


class BatchStage(StrEnum):
    """A batch's stage; the values are those of recorded histories and search attributes."""

    OPEN = "open"  # taking the authorities' packages until the deadline
    REVIEWING = "reviewing"
    PUBLICITY = "publicity"  # the proposed list is public (公示); objections may be lodged
    PUBLICITY_CLOSED = "publicity_closed"
    PUBLISHED = "published"  # terminal

    @property
    def zh(self) -> str:
        return _BATCH_STAGE_ZH[self]


_BATCH_STAGE_ZH = {
    BatchStage.OPEN: "报送中",
    BatchStage.REVIEWING: "审核中",
    BatchStage.PUBLICITY: "公示中",
    BatchStage.PUBLICITY_CLOSED: "公示期已结束",
    BatchStage.PUBLISHED: "已发布",
}


class ReminderSpec(BaseModel):
    amount: int
    unit: Literal["calendar_days", "working_days"] = "calendar_days"


class BatchStart(BaseModel):
    code: str
    rule_set: str
    title: str = ""
    deadline: datetime | None = None
    """Authorities' packages must arrive strictly before this instant; None = no deadline."""
    reminders: list[ReminderSpec] = Field(default_factory=list)
    publicity_days: int = 7


class ReminderPlanRequest(BaseModel):
    deadline: datetime
    reminders: list[ReminderSpec]


class PlannedReminder(BaseModel):
    at: datetime
    amount: int
    unit: str

    @property
    def key(self) -> str:
        return f"{self.amount}{self.unit}"


class ReminderPlan(BaseModel):
    reminders: list[PlannedReminder] = Field(default_factory=list)


class ReminderRequest(BaseModel):
    """Remind every authority that has not submitted its package."""

    batch: str
    deadline: datetime
    amount: int
    unit: str
    submitted: list[str]
    at: datetime


class DeadlineReport(BaseModel):
    """Payload of `batch.deadline.passed`: who submitted nothing (for the ministry)."""

    batch: str
    deadline: datetime
    missing: list[str]
    at: datetime


class ExtendCommand(BaseModel):
    actor: Principal
    deadline: datetime
    reason: str = ""


class PublicityCommand(BaseModel):
    actor: Principal


class PublicityRequest(BaseModel):
    batch: str
    actor: Principal
    opened_at: datetime
    closes_at: datetime


class PublicityOpened(BaseModel):
    """Payload of `review.publicity.opened`: the proposed list is public until `closes_at`."""

    batch: str
    opened_at: datetime
    closes_at: datetime
    count: int


class ObjectionNotice(BaseModel):
    """Signal to the batch: an objection was lodged (`resolved` false) or resolved. Kept for
    running batches and recorded histories; new callers use the objection updates below."""

    objection_id: int
    application_id: str
    resolved: bool = False
    upheld: bool = False


class LodgeObjectionCommand(BaseModel):
    """Anyone objects to a proposed unit during publicity (the `lodge_objection` update): the
    review service has written the objection, uncommitted, and commits it once accepted."""

    objection_id: int
    application_id: str


class ResolveObjectionCommand(BaseModel):
    """The ministry upholds or dismisses an open objection (the `resolve_objection` update)."""

    actor: Principal
    objection_id: int
    upheld: bool


class PublishCommand(BaseModel):
    actor: Principal


class PublicationPlan(BaseModel):
    """What the review service found approved for a batch, and the publication it recorded."""

    publication_id: str
    batch: str
    published_at: datetime
    cases: list[ApplicationCase] = Field(default_factory=list)
    excluded: list[ApplicationCase] = Field(
        default_factory=list, description="approved, but an objection against them was upheld"
    )


class PublicationRequest(BaseModel):
    batch: str
    publication_id: str
    actor: Principal
    at: datetime


class BatchView(BaseModel):
    code: str
    rule_set: str
    stage: BatchStage
    publication_id: str | None = None
    published_count: int = 0
    deadline: datetime | None = None
    packages: list[str] = Field(default_factory=list)
    """Regions whose package has been submitted, in order of submission."""
    reminders_sent: list[str] = Field(default_factory=list)
    publicity_closes_at: datetime | None = None
    open_objections: list[int] = Field(default_factory=list)


class PackageCommand(BaseModel):
    """An authority submits its package (the summary table, Attachment 1) for a batch."""

    actor: Principal


class PackageRecord(BaseModel):
    """Activity input: record the package of `region` for `batch`."""

    batch: str
    region: str
    actor: Principal
    at: datetime


class PackageUnit(BaseModel):
    """One recommended unit in a package, in the authority's order within its category."""

    order: int
    application_id: str
    category: Category
    applicant_name: str
    credit_code: str
    recommended_at: datetime


class PackageSubmitted(BaseModel):
    """Payload of `intake.package.submitted`, and the answer to the submit_package update."""

    batch: str
    region: str
    submitted_at: datetime
    submitted_by: str
    counts: dict[Category, int] = Field(default_factory=dict)
    units: list[PackageUnit] = Field(default_factory=list)


class ListedUnitsPublished(BaseModel):
    """Payload of `review.list.published`."""

    batch: str
    publication_id: str
    published_at: datetime
    count: int


class ObjectionStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the unit stays off the list
    DISMISSED = "dismissed"


class ObjectionOut(BaseModel):
    """An objection during publicity; payload of `review.objection.lodged` / `.resolved`."""

    id: int
    batch: str
    application_id: str
    lodged_by: str
    grounds: str
    lodged_at: datetime
    status: ObjectionStatus
    resolution: str = ""
    resolved_by: str | None = None
    resolved_at: datetime | None = None
