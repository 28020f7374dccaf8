"""Agency's tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, new_metadata, utcnow


class Base(DeclarativeBase):
    metadata = new_metadata()


class Agency(Base):
    """A third-party evaluation agency; its id is its unified social credit code."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Engagement(Base):
    """An applicant entrusting an agency with the evaluation of one application."""

    __tablename__ = "engagements"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64))
    batch: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    applicant_credit_code: Mapped[str] = mapped_column(String(18))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (
        Index("ix_engagements_agency", "agency_id", "batch", "status"),
        Index("ix_engagements_application", "application_id"),
    )


class Report(Base):
    """The third-party evaluation report of one engagement."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    engagement_id: Mapped[str] = mapped_column(ForeignKey("engagements.id"))
    application_id: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[str] = mapped_column(String(18))
    passed: Mapped[bool]
    score: Mapped[float | None] = mapped_column(default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("engagement_id", name="uq_reports_engagement"),)
