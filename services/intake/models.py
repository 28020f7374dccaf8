"""Intake's tables (ORM models, apart from the API contracts)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.contracts.application import Stage
from shared.db import UTCDateTime, new_metadata, utcnow

NATIONAL: Final = "national"
"""The scope of the ministry's exclusion lists; an authority's lists are scoped by its region."""


class RecommendationDecision(StrEnum):
    """An authority's decision as `recommendations.decision` records it: the last word of its
    fact (`intake.application.recommended` and so on)."""

    RECOMMENDED = "recommended"
    RETURNED = "returned"
    REJECTED = "rejected"

    @classmethod
    def of_fact(cls, fact: str) -> RecommendationDecision:
        return cls(fact.rsplit(".", 1)[-1])


class Base(DeclarativeBase):
    metadata = new_metadata()


class Batch(Base):
    __tablename__ = "batches"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    rule_set: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


LIVE_PREDICATE: Final = f"stage <> '{Stage.REJECTED.value}'"


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch: Mapped[str] = mapped_column(ForeignKey("batches.code"))
    category: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(6))
    applicant_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The applicant's statement on each exclusion condition, from its latest submission.
    declarations: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)
    # A projection of the case's stage, kept by this service's activities and by the facts
    # other services announce; the workflow is the authority.
    stage: Mapped[str] = mapped_column(String(32), default=Stage.DRAFT.value)
    stage_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_applications_scope", "batch", "region", "category", "stage"),
        Index("ix_applications_credit_code", "credit_code"),
        # One live application per batch, category and credit code, drafts included: two
        # concurrent creations cannot both pass a read-then-insert check, the index refuses
        # the second. A rejected one frees the place (the unit may apply again); the stage
        # only ever moves to `rejected` at the end, so a projection update never collides.
        Index("uq_applications_live", "batch", "category", "credit_code", unique=True,
              postgresql_where=text(LIVE_PREDICATE), sqlite_where=text(LIVE_PREDICATE)),
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


class EligibilityCheck(Base):
    """One run of the eligibility check; the newest per application is the current result.

    `trigger` says what caused it (`submission:{seq}`, `exclusion-upload:{id}`); it is unique
    per application so an activity retried after its commit cannot record a second run.
    """

    __tablename__ = "eligibility_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    trigger: Mapped[str] = mapped_column(String(100))
    rule_set: Mapped[str] = mapped_column(String(64))
    eligible: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("application_id", "trigger", name="uq_eligibility_checks_trigger"),
        Index("ix_eligibility_checks_application", "application_id", "id"),
    )


class ExclusionUpload(Base):
    """One CSV upload of an exclusion list by an authority (its region) or the ministry
    (`national`). A newer upload of the same list and scope supersedes the older one."""

    __tablename__ = "exclusion_uploads"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_exclusion_uploads_current", "kind", "scope", "superseded_at"),)


class ExclusionEntry(Base):
    """One row of an uploaded list, with its line number in the file (header = line 1)."""

    __tablename__ = "exclusion_entries"

    upload_id: Mapped[str] = mapped_column(ForeignKey("exclusion_uploads.id"), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    credit_code: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200), default="")
    event_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    rectified: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_exclusion_entries_credit_code", "credit_code"),)


class QuotaCounter(Base):
    """One row per (batch, region, category) with a quota: the row an authority's
    recommendations lock (SELECT ... FOR UPDATE) so that concurrent ones queue up."""

    __tablename__ = "quota_counters"

    batch: Mapped[str] = mapped_column(String(32), primary_key=True)
    region: Mapped[str] = mapped_column(String(6), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


class Attachment(Base):
    """A file attached to an application; the bytes live in the storage under `storage_key`."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Package(Base):
    """An authority's submitted package (Attachment 1) for a batch: once per region."""

    __tablename__ = "packages"

    batch: Mapped[str] = mapped_column(String(32), primary_key=True)
    region: Mapped[str] = mapped_column(String(6), primary_key=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str] = mapped_column(String(100))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
