"""Payloads of the lifecycle facts the batch and review workflows announce and the notify
service turns into messages: deadline reminders, re-review requests and removals.

Datetimes are timezone-aware instants; whoever shows them to people converts them to China
time (Asia/Shanghai). New fields get defaults, so older events still validate.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field


class BatchReminderDue(BaseModel):
    """Payload of `batch.reminder.due`: an authority has not submitted its package yet.

    `offset` counts `unit`s before `deadline` (30, 7, 1 days in the 2020 rule set)."""

    batch: str
    region: str = Field(description="the recommending authority's region code")
    deadline: AwareDatetime
    offset: int = Field(ge=0)
    unit: Literal["days", "working_days"] = "days"


class RemovalReason(StrEnum):
    """Why a listed unit no longer meets the requirements (the 2020 notice's list)."""

    CANCELLED_OR_SUSPENDED = "cancelled_or_suspended"
    ACCIDENT = "accident"
    POLLUTION_INCIDENT = "pollution_incident"
    RECTIFICATION_UNFINISHED = "rectification_unfinished"
    DISHONEST_LIST = "dishonest_list"
    SUPERVISION_FINDING = "supervision_finding"
    NONCOMPLIANCE = "noncompliance"


class UnitRemoved(BaseModel):
    """Payload of `review.unit.removed`: a listed unit was taken off the list."""

    application_id: str
    batch: str
    credit_code: str
    region: str
    reasons: list[RemovalReason] = Field(min_length=1)
    name: str = ""
    note: str = ""
    removed_at: datetime | None = None


class RereviewRequested(BaseModel):
    """Payload of `review.rereview.requested`: an authority must report on its listed units
    of `batch` (on-site check, retained or removed with reasons) before `deadline`."""

    batch: str
    region: str
    deadline: AwareDatetime
    cycle: int = Field(default=1, ge=1, description="which triennial review this is")
