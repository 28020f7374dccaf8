"""Agency's tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.contracts.agency import EngagementStatus
from shared.db import UTCDateTime, new_metadata, utcnow


class Base(DeclarativeBase):
    metadata = new_metadata()


class Agency(Base):
    """A third-party evaluation agency; its id is its unified social credit code."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The registration (`AgencyRegistration`): legal-person data, office, staff, records."""
    qualification: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The last computed `Qualification`, recomputed whenever the roster changes."""
    qualified: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Relation(Base):
    """A declared relation between an agency and another legal person (agency or not)."""

    __tablename__ = "relations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    related_code: Mapped[str] = mapped_column(String(18))
    kind: Mapped[str] = mapped_column(String(20))
    declared_by: Mapped[str] = mapped_column(String(20))  # "agency" or "ministry"
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("agency_id", "related_code", name="uq_relations_pair"),
        Index("ix_relations_related", "related_code"),
    )


class SelfEvaluationPreparer(Base):
    """Who prepared an application's self-evaluation (declared by the applicant when it
    entrusts an agency, or recorded by the ministry); such a party cannot evaluate it."""

    __tablename__ = "self_evaluation_preparers"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    preparer_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Engagement(Base):
    """An applicant entrusting an agency with the evaluation of one application."""

    __tablename__ = "engagements"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64))
    batch: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    applicant_credit_code: Mapped[str] = mapped_column(String(18))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    rule_set: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default=EngagementStatus.REQUESTED.value)
    """An `EngagementStatus` value."""
    applicant_independence: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    agency_independence: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
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
    batch: Mapped[str] = mapped_column(String(32), default="")
    category: Mapped[str] = mapped_column(String(32), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    flagged_for_review: Mapped[bool] = mapped_column(default=False)
    flag_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("engagement_id", name="uq_reports_engagement"),
        Index("ix_reports_agency_batch", "agency_id", "batch"),
    )


class SpotCheck(Base):
    """One recorded draw of the ministry's spot check: the seed, the population and the
    sample, so anyone can redraw it and get the same agencies."""

    __tablename__ = "spot_checks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    rule_set: Mapped[str] = mapped_column(String(32))
    seed: Mapped[int] = mapped_column(BigInteger)
    population: Mapped[list[str]] = mapped_column(JSON)
    sample: Mapped[list[str]] = mapped_column(JSON)
    report_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    drawn_by: Mapped[str] = mapped_column(String(64))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Finding(Base):
    """What a spot check found about one sampled agency."""

    __tablename__ = "findings"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    spot_check_id: Mapped[str] = mapped_column(ForeignKey("spot_checks.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    severity: Mapped[str] = mapped_column(String(16))
    """A `FindingSeverity` value."""
    description: Mapped[str] = mapped_column(Text)
    report_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ban_workflow_id: Mapped[str | None] = mapped_column(String(120), default=None)


class Ban(Base):
    """A sanction: the agency's reports are refused from `decided_at` until the ban is lifted
    by its workflow's durable timer at `ends_at`."""

    __tablename__ = "bans"

    finding_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    batch: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    flagged_report_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    __table_args__ = (Index("ix_bans_agency", "agency_id", "lifted_at"),)
