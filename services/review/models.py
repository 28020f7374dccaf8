"""Review's tables: decisions, publications, listed units and the read model of every case."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.contracts.application import DecisionKind
from shared.contracts.batch import ObjectionStatus
from shared.db import UTCDateTime, new_metadata, utcnow


def _stored_as_value(enum: type[StrEnum]) -> Enum:
    """A StrEnum kept in the VARCHAR(16) column it always had: its values, no constraint."""
    return Enum(enum, native_enum=False, create_constraint=False, length=16,
                values_callable=lambda members: [m.value for m in members])


class Base(DeclarativeBase):
    metadata = new_metadata()


class CaseStage(Base):
    """Read model: where each application stands, fed only by events."""

    __tablename__ = "case_stages"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(6))
    applicant_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))
    stage: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_case_stages_scope", "batch", "stage", "region"),)


class CaseHistory(Base):
    """Read model: every fact of a case, as announced."""

    __tablename__ = "case_history"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(32))
    fact: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Decision(Base):
    """The ministry's decision on a recommended application."""

    __tablename__ = "decisions"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    decision: Mapped[DecisionKind] = mapped_column(_stored_as_value(DecisionKind))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    case: Mapped[dict[str, Any]] = mapped_column(JSON)
    publication_id: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (Index("ix_decisions_batch", "batch", "decision", "publication_id"),)


class Publication(Base):
    __tablename__ = "publications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    count: Mapped[int] = mapped_column(default=0)


class ListedUnit(Base):
    """A unit on a published list: the public list reads this table."""

    __tablename__ = "listed_units"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    publication_id: Mapped[str] = mapped_column(ForeignKey("publications.id"))
    batch: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))
    """Empty for a legacy listing published without one, until its authority completes it."""
    status: Mapped[str] = mapped_column(String(16), default="published")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    legacy: Mapped[bool] = mapped_column(default=False, server_default="0")
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    removal: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    unit_id: Mapped[str] = mapped_column(
        String(64), default=lambda ctx: ctx.get_current_parameters()["credit_code"],
        server_default="",
    )
    """The unit this listing is of (one unit listed in two categories has two listings): its
    credit code, or for a legacy unit without one an id from its exact name and region."""

    __table_args__ = (
        Index("ix_listed_units_public", "batch", "category", "region"),
        Index("ix_listed_units_unit", "unit_id"),
    )

    @property
    def credit_code_missing(self) -> bool:
        return not self.credit_code


class YearlyReport(Base):
    """A listed unit's yearly green and low-carbon development report (a link it publishes)."""

    __tablename__ = "yearly_reports"

    application_id: Mapped[str] = mapped_column(
        ForeignKey("listed_units.application_id"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReReview(Base):
    """One triennial review of a batch (its id is the workflow id)."""

    __tablename__ = "rereviews"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="collecting")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    retained: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    regions_missing: Mapped[list[str]] = mapped_column(JSON, default=list)


class ReReviewRequest(Base):
    """What one authority was asked to check in one review, and when it answered."""

    __tablename__ = "rereview_requests"

    review_id: Mapped[str] = mapped_column(ForeignKey("rereviews.id"), primary_key=True)
    region: Mapped[str] = mapped_column(String(6), primary_key=True)
    units: Mapped[int] = mapped_column(default=0)
    reminders: Mapped[int] = mapped_column(default=0)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class ReReviewResult(Base):
    __tablename__ = "rereview_results"

    review_id: Mapped[str] = mapped_column(ForeignKey("rereviews.id"), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    region: Mapped[str] = mapped_column(String(6))
    outcome: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")


class ListingSpotCheck(Base):
    """A recorded draw of listed units for a ministry spot check (dynamic adjustment)."""

    __tablename__ = "listing_spot_checks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch: Mapped[str | None] = mapped_column(String(32), default=None)
    seed: Mapped[int] = mapped_column()
    population: Mapped[int] = mapped_column()
    sample: Mapped[list[str]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(100))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListingFinding(Base):
    __tablename__ = "listing_findings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    spot_check_id: Mapped[str] = mapped_column(ForeignKey("listing_spot_checks.id"))
    application_id: Mapped[str] = mapped_column(String(64))
    qualifies: Mapped[bool]
    finding: Mapped[str] = mapped_column(Text)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    actor: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Publicity(Base):
    """The publicity period (公示) of a batch's proposed list."""

    __tablename__ = "publicities"

    batch: Mapped[str] = mapped_column(String(32), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(default=0)
    actor: Mapped[str] = mapped_column(String(100))


class Objection(Base):
    """An objection lodged against a unit on the proposed list during publicity."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    batch: Mapped[str] = mapped_column(String(32))
    application_id: Mapped[str] = mapped_column(String(64))
    lodged_by: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200), default="")
    grounds: Mapped[str] = mapped_column(Text)
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[ObjectionStatus] = mapped_column(
        _stored_as_value(ObjectionStatus), default=ObjectionStatus.OPEN
    )
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str | None] = mapped_column(String(100), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (Index("ix_objections_batch", "batch", "status"),)
