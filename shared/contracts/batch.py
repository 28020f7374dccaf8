"""A batch: its rule set, and the commands that run it to publication."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.contracts.application import ApplicationCase
from shared.contracts.auth import Principal
from shared.rules.model import Category


class BatchStart(BaseModel):
    code: str
    rule_set: str
    title: str = ""
    deadline: datetime | None = None
    """Authorities' packages must arrive strictly before this instant; None = no deadline."""


class PublishCommand(BaseModel):
    actor: Principal


class PublicationPlan(BaseModel):
    """What the review service found approved for a batch, and the publication it recorded."""

    publication_id: str
    batch: str
    published_at: datetime
    cases: list[ApplicationCase] = Field(default_factory=list)


class PublicationRequest(BaseModel):
    batch: str
    publication_id: str
    actor: Principal
    at: datetime


class BatchView(BaseModel):
    code: str
    rule_set: str
    stage: str
    publication_id: str | None = None
    published_count: int = 0
    deadline: datetime | None = None
    packages: list[str] = Field(default_factory=list)
    """Regions whose package has been submitted, in order of submission."""


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
