"""Notify's HTTP bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shared.contracts.bounds import Email

Language = Literal["zh", "en"]


class ContactIn(BaseModel):
    # A light check: the mail server is the judge of deliverability.
    email: Email = Field(max_length=320, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
    language: Language = "zh"


class ContactOut(BaseModel):
    role: str
    scope: str
    email: str
    language: Language
    updated_at: datetime
    updated_by: str


class NotificationOut(BaseModel):
    id: str
    event_id: str
    routing_key: str
    template: str
    language: Language
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
