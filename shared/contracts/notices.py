"""Payloads of lifecycle facts that no other contract module defines yet.

`review.unit.removed`, `review.rereview.requested` / `.reminder` and `review.yearly_report.due`
carry the models in `shared.contracts.listing`; the batch workflow's deadline reminder is here.
Datetimes are timezone-aware instants; whoever shows them to people converts them to China
time (Asia/Shanghai). New fields get defaults, so older events still validate.
"""

from __future__ import annotations

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
