"""A batch: its rule set, and the commands that run it to publication."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.contracts.application import ApplicationCase
from shared.contracts.auth import Principal


class BatchStart(BaseModel):
    code: str
    rule_set: str
    title: str = ""


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


class ListedUnitsPublished(BaseModel):
    """Payload of `review.list.published`."""

    batch: str
    publication_id: str
    published_at: datetime
    count: int
