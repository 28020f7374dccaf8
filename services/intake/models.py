"""Intake's tables (ORM models, apart from the API contracts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, new_metadata, utcnow


class Base(DeclarativeBase):
    metadata = new_metadata()


class Batch(Base):
    __tablename__ = "batches"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    rule_set: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch: Mapped[str] = mapped_column(ForeignKey("batches.code"))
    category: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(6))
    applicant_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A projection of the case's stage, kept by this service's activities and by the facts
    # other services announce; the workflow is the authority.
    stage: Mapped[str] = mapped_column(String(32), default="draft")
    stage_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_applications_scope", "batch", "region", "category", "stage"),
        Index("ix_applications_credit_code", "credit_code"),
    )


class Recommendation(Base):
    """Each decision of an authority on an application, in order (returns can repeat)."""

    __tablename__ = "recommendations"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(6))
    category: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
