"""Intake's data access for its routes: reads, and the simple writes a route makes (a batch, a
draft, an attachment, an exclusion list). What activities record is in `recording.py`.
Keyword-only functions on an `AsyncSession`, no commits inside."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.eligibility import ExclusionHit, assess
from services.intake.exclusions import ParsedRow
from services.intake.models import (
    NATIONAL,
    Application,
    Attachment,
    Batch,
    EligibilityCheck,
    ExclusionEntry,
    ExclusionUpload,
    Package,
    Recommendation,
    RecommendationDecision,
)
from shared.chinatime import china_date
from shared.contracts.applicant import details_of
from shared.contracts.application import (
    ApplicationCase,
    EligibilityReason,
    EligibilityResult,
    ExclusionDeclarations,
    ExclusionKind,
    Stage,
)
from shared.contracts.batch import BatchStart, PackageUnit
from shared.contracts.events import Facts
from shared.identifiers import new_application_id
from shared.messaging.outbox import add_event
from shared.rules.book import RuleBook
from shared.rules.model import Category

# Stages in which an application is submitted but not yet decided by its authority: the ones
# a changed exclusion list re-checks.
PENDING_STAGES = (Stage.EVALUATION.value, Stage.RECOMMENDATION.value)


async def get_batch(session: AsyncSession, *, code: str) -> Batch | None:
    return await session.get(Batch, code)


async def list_batches(session: AsyncSession) -> Sequence[Batch]:
    return (await session.scalars(select(Batch).order_by(Batch.created_at, Batch.code))).all()


async def add_batch(
    session: AsyncSession, *, code: str, rule_set: str, title: str, deadline: datetime | None
) -> Batch:
    """A batch, announced as `intake.batch.opened` (payload: `BatchStart`) with its commit."""
    batch = Batch(code=code, rule_set=rule_set, title=title)
    session.add(batch)
    add_event(
        session, Facts.BATCH_OPENED,
        BatchStart(code=code, rule_set=rule_set, title=title, deadline=deadline),
        key=f"batch:{code}:opened",
    )
    return batch


async def get_application(session: AsyncSession, *, application_id: str) -> Application | None:
    return await session.get(Application, application_id)


async def list_applications(
    session: AsyncSession,
    *,
    batch: str | None = None,
    region: str | None = None,
    credit_code: str | None = None,
    stage: Stage | None = None,
) -> Sequence[Application]:
    query = select(Application).order_by(Application.created_at, Application.id)
    if batch:
        query = query.where(Application.batch == batch)
    if region:
        query = query.where(Application.region == region)
    if credit_code:
        query = query.where(Application.credit_code == credit_code)
    if stage:
        query = query.where(Application.stage == stage.value)
    return (await session.scalars(query)).all()


def case_of(app: Application, rule_needs_evaluation: bool) -> ApplicationCase:
    return ApplicationCase(
        application_id=app.id,
        batch=app.batch,
        category=Category(app.category),
        region=app.region,
        applicant_name=app.applicant_name,
        credit_code=app.credit_code,
        needs_evaluation=rule_needs_evaluation,
    )


class _Draft(BaseModel):
    """What `add_draft` reads of any variant of `ApplicationData`."""

    category: Category
    applicant_name: str
    credit_code: str
    region: str


async def live_application(
    session: AsyncSession, *, batch: str, category: str, credit_code: str
) -> Application | None:
    """The unit's application of this category in the batch that is not rejected, if any
    (the partial unique index `uq_applications_live` allows at most one)."""
    found: Application | None = await session.scalar(select(Application).where(
        Application.batch == batch, Application.category == category,
        Application.credit_code == credit_code, Application.stage != Stage.REJECTED.value,
    ).limit(1))
    return found


async def add_draft(
    session: AsyncSession, *, batch: str, draft: BaseModel, needs_evaluation: bool
) -> Application:
    """A draft from one variant of `shared.contracts.applicant.ApplicationData`."""
    common = _Draft.model_validate(draft, from_attributes=True)
    app = Application(
        id=new_application_id(batch, common.region, common.category),
        batch=batch,
        category=common.category.value,
        region=common.region,
        applicant_name=common.applicant_name,
        credit_code=common.credit_code,
        details=details_of(draft),
        stage=Stage.DRAFT.value,
        stage_seq=0,
    )
    session.add(app)
    await session.flush()
    add_event(session, Facts.APPLICATION_DRAFTED, case_of(app, needs_evaluation), key=f"{app.id}:0")
    return app


async def correct_draft(session: AsyncSession, *, app: Application, draft: BaseModel) -> bool:
    """Replace a draft's data; False when the application is no longer a draft.

    The stage condition sits in the UPDATE itself: a submission records its stage and checks
    eligibility in one transaction, so a correction lands either before it (and is checked)
    or not at all.
    """
    result = await session.execute(
        update(Application)
        .where(Application.id == app.id, Application.stage == Stage.DRAFT.value)
        .values(details=details_of(draft))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def exclusion_hits(
    session: AsyncSession, *, credit_code: str, region: str
) -> list[ExclusionHit]:
    """Rows of the current lists (the region's and the national ones) naming this code."""
    rows = await session.execute(
        select(ExclusionEntry, ExclusionUpload)
        .join(ExclusionUpload, ExclusionUpload.id == ExclusionEntry.upload_id)
        .where(
            ExclusionEntry.credit_code == credit_code,
            ExclusionUpload.superseded_at.is_(None),
            ExclusionUpload.scope.in_((region, NATIONAL)),
        )
        .order_by(ExclusionUpload.uploaded_at, ExclusionEntry.line)
    )
    return [
        ExclusionHit(
            kind=ExclusionKind(entry.kind), upload_id=upload.id, scope=upload.scope,
            line=entry.line, name=entry.name, event_date=entry.event_date,
            rectified=entry.rectified, note=entry.note,
        )
        for entry, upload in rows
    ]


def _result(app: Application, check: EligibilityCheck) -> EligibilityResult:
    return EligibilityResult(
        application_id=app.id,
        eligible=check.eligible,
        reasons=[EligibilityReason.model_validate(r) for r in check.reasons],
        notes=[EligibilityReason.model_validate(n) for n in check.notes],
        rule_set=check.rule_set,
        trigger=check.trigger,
        checked_at=check.checked_at,
    )


async def check_eligibility(
    session: AsyncSession, *, app: Application, rules: RuleBook, trigger: str, at: datetime
) -> EligibilityResult:
    """Run the eligibility check and record it under `trigger` (once per trigger)."""
    existing = await session.scalar(
        select(EligibilityCheck).where(
            EligibilityCheck.application_id == app.id, EligibilityCheck.trigger == trigger
        )
    )
    if existing is not None:
        return _result(app, existing)
    batch = await session.get(Batch, app.batch)
    assert batch is not None  # applications reference their batch
    rule_set = rules.get(batch.rule_set)
    declarations = (
        ExclusionDeclarations.model_validate(app.declarations) if app.declarations else None
    )
    hits = await exclusion_hits(session, credit_code=app.credit_code, region=app.region)
    reasons, notes = assess(
        rule_set, Category(app.category), app.details, declarations, hits, china_date(at)
    )
    check = EligibilityCheck(
        application_id=app.id,
        trigger=trigger,
        rule_set=rule_set.code,
        eligible=not reasons,
        reasons=[r.model_dump(mode="json") for r in reasons],
        notes=[n.model_dump(mode="json") for n in notes],
        checked_at=at,
    )
    session.add(check)
    await session.flush()
    return _result(app, check)


async def latest_eligibility(
    session: AsyncSession, *, app: Application
) -> EligibilityResult | None:
    check = await session.scalar(
        select(EligibilityCheck)
        .where(EligibilityCheck.application_id == app.id)
        .order_by(EligibilityCheck.id.desc())
        .limit(1)
    )
    return None if check is None else _result(app, check)


# ----------------------------------------------------------------------------- exclusion lists


async def add_exclusion_upload(
    session: AsyncSession,
    *,
    kind: ExclusionKind,
    scope: str,
    filename: str,
    sha256: str,
    rows: Sequence[ParsedRow],
    uploaded_by: str,
    at: datetime,
) -> ExclusionUpload:
    """Store an upload with its rows; it supersedes the current list of that kind and scope."""
    await session.execute(
        update(ExclusionUpload)
        .where(
            ExclusionUpload.kind == kind.value,
            ExclusionUpload.scope == scope,
            ExclusionUpload.superseded_at.is_(None),
        )
        .values(superseded_at=at)
    )
    upload = ExclusionUpload(
        id=str(uuid.uuid4()), kind=kind.value, scope=scope, filename=filename[:255],
        sha256=sha256, row_count=len(rows), uploaded_by=uploaded_by, uploaded_at=at,
    )
    session.add(upload)
    await session.flush()
    session.add_all(
        ExclusionEntry(
            upload_id=upload.id, line=row.line, kind=kind.value, credit_code=row.credit_code,
            name=row.name, event_date=row.event_date, rectified=row.rectified, note=row.note,
        )
        for row in rows
    )
    await session.flush()
    return upload


async def recheck_pending(
    session: AsyncSession, *, region: str | None, rules: RuleBook, trigger: str, at: datetime
) -> list[EligibilityResult]:
    """Re-run the eligibility check of every submitted application not yet decided by its
    authority, in `region` (None: every region)."""
    query = select(Application).where(Application.stage.in_(PENDING_STAGES))
    if region is not None:
        query = query.where(Application.region == region)
    results = []
    for app in (await session.scalars(query.order_by(Application.id))).all():
        results.append(
            await check_eligibility(session, app=app, rules=rules, trigger=trigger, at=at)
        )
    return results


# ----------------------------------------------------------------------------- attachments


async def add_attachment(session: AsyncSession, **values: Any) -> Attachment:
    attachment = Attachment(**values)
    session.add(attachment)
    await session.flush()
    return attachment


async def list_attachments(session: AsyncSession, *, application_id: str) -> Sequence[Attachment]:
    return (
        await session.scalars(
            select(Attachment)
            .where(Attachment.application_id == application_id)
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
    ).all()


async def get_attachment(
    session: AsyncSession, *, application_id: str, attachment_id: str
) -> Attachment | None:
    found = await session.get(Attachment, attachment_id)
    return found if found is not None and found.application_id == application_id else None


# ----------------------------------------------------------------------------- packages


async def recommended_units(
    session: AsyncSession, *, batch: str, region: str
) -> list[PackageUnit]:
    """The authority's recommended units, by category (the rule set's order) and in the
    order they were recommended."""
    rows = await session.execute(
        select(Application, Recommendation)
        .join(Recommendation, Recommendation.application_id == Application.id)
        .where(
            Recommendation.batch == batch,
            Recommendation.region == region,
            Recommendation.decision == RecommendationDecision.RECOMMENDED.value,
        )
        .order_by(Recommendation.decided_at, Recommendation.application_id)
    )
    by_category: dict[Category, list[PackageUnit]] = {c: [] for c in Category}
    for app, rec in rows:
        units = by_category[Category(app.category)]
        units.append(
            PackageUnit(
                order=len(units) + 1, application_id=app.id, category=Category(app.category),
                applicant_name=app.applicant_name, credit_code=app.credit_code,
                recommended_at=rec.decided_at,
            )
        )
    return [unit for category in Category for unit in by_category[category]]


async def get_package(session: AsyncSession, *, batch: str, region: str) -> Package | None:
    return await session.get(Package, (batch, region))


async def current_exclusion_uploads(
    session: AsyncSession, *, scopes: Sequence[str] | None
) -> Sequence[ExclusionUpload]:
    query = select(ExclusionUpload).where(ExclusionUpload.superseded_at.is_(None))
    if scopes is not None:
        query = query.where(ExclusionUpload.scope.in_(scopes))
    return (await session.scalars(query.order_by(ExclusionUpload.uploaded_at))).all()


