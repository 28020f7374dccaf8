"""Intake's data access: keyword-only functions on an `AsyncSession`, no commits inside."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.eligibility import ExclusionHit, assess
from services.intake.exclusions import ParsedRow
from services.intake.models import (
    Application,
    Attachment,
    Batch,
    EligibilityCheck,
    ExclusionEntry,
    ExclusionUpload,
    Package,
    QuotaCounter,
    Recommendation,
)
from shared.chinatime import china_date
from shared.contracts.applicant import details_of
from shared.contracts.application import (
    ApplicationCase,
    ApplicationStageChanged,
    EligibilityReason,
    EligibilityResult,
    ExclusionDeclarations,
    ExclusionKind,
    Stage,
    SubmissionRecord,
    TransitionRecord,
)
from shared.contracts.batch import (
    BatchStart,
    DeadlineReport,
    PackageRecord,
    PackageSubmitted,
    PackageUnit,
    ReminderRequest,
)
from shared.contracts.events import Facts
from shared.contracts.notices import BatchReminderDue
from shared.errors import ErrorCode
from shared.messaging.outbox import add_case_event, add_event
from shared.regions import AUTHORITIES
from shared.rules.book import RuleBook
from shared.rules.model import Category

# Stages in which an application is submitted but not yet decided by its authority: the ones
# a changed exclusion list re-checks.
PENDING_STAGES = (Stage.EVALUATION.value, Stage.RECOMMENDATION.value)
RECOMMENDED = Facts.APPLICATION_RECOMMENDED.rsplit(".", 1)[-1]


class Refusal(Exception):
    """A business refusal found in the data; activities turn it into a non-retryable
    ApplicationError of `type`, routes into an ApiError."""

    def __init__(self, type_: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.type = type_
        self.message = message
        self.details = details

CATEGORY_LETTER = {
    Category.GREEN_FACTORY: "F",
    Category.GREEN_DESIGN_PRODUCT: "D",
    Category.GREEN_PARK: "P",
    Category.GREEN_SUPPLY_CHAIN: "S",
}
# Crockford-style alphabet: no I, L, O, U, so a number read over the phone is unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_application_id(batch: str, region: str, category: Category) -> str:
    """`{batch}-{region}-{F|D|P|S}{6 chars}`, e.g. `2020-5-110000-F7K3QX9`."""
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"{batch}-{region}-{CATEGORY_LETTER[category]}{suffix}"


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
    stage: str | None = None,
) -> Sequence[Application]:
    query = select(Application).order_by(Application.created_at, Application.id)
    if batch:
        query = query.where(Application.batch == batch)
    if region:
        query = query.where(Application.region == region)
    if credit_code:
        query = query.where(Application.credit_code == credit_code)
    if stage:
        query = query.where(Application.stage == stage)
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


async def apply_transition(session: AsyncSession, *, record: TransitionRecord) -> bool:
    """Move the projection forward; False when this transition (or a later one) is in already."""
    result = await session.execute(
        update(Application)
        .where(
            Application.id == record.case.application_id,
            Application.stage_seq < record.transition.seq,
        )
        .values(stage=record.transition.stage.value, stage_seq=record.transition.seq)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


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
            ExclusionUpload.scope.in_((region, "national")),
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


async def record_submission(
    session: AsyncSession, *, record: SubmissionRecord, rules: RuleBook
) -> None:
    """Record a submission with its declarations and its eligibility check (idempotent)."""
    if not await apply_transition(session, record=record):
        return
    app = await session.get(Application, record.case.application_id)
    assert app is not None  # the workflow exists because the draft does
    app.declarations = (
        record.declarations.model_dump(mode="json") if record.declarations else None
    )
    await session.flush()
    result = await check_eligibility(
        session, app=app, rules=rules, trigger=f"submission:{record.transition.seq}",
        at=record.transition.at,
    )
    add_case_event(
        session, record.case, record.transition,
        details={"eligibility": result.model_dump(mode="json")},
    )


async def _lock_quota(session: AsyncSession, *, batch: str, region: str, category: str) -> None:
    """Hold the quota row of (batch, region, category) until the transaction ends.

    Two recommendations of one authority are two workflows, so only the database can order
    them: the second waits here until the first commits, then counts its row.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(QuotaCounter)
        .values(batch=batch, region=region, category=category, used=0)
        .on_conflict_do_nothing()
    )
    # On SQLite the insert above already took the database's write lock, which serialises
    # writers the same way; FOR UPDATE is ignored there.
    await session.execute(
        select(QuotaCounter)
        .where(
            QuotaCounter.batch == batch,
            QuotaCounter.region == region,
            QuotaCounter.category == category,
        )
        .with_for_update()
    )


async def recommended_count(
    session: AsyncSession, *, batch: str, region: str, category: str
) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Recommendation)
            .where(
                Recommendation.batch == batch,
                Recommendation.region == region,
                Recommendation.category == category,
                Recommendation.decision == RECOMMENDED,
            )
        )
        or 0
    )


async def _check_recommendable(
    session: AsyncSession, *, record: TransitionRecord, rules: RuleBook
) -> None:
    case = record.case
    app = await session.get(Application, case.application_id)
    assert app is not None
    eligibility = await latest_eligibility(session, app=app)
    if eligibility is not None and not eligibility.eligible:
        reasons = [r.model_dump(mode="json") for r in eligibility.reasons]
        raise Refusal(
            ErrorCode.INELIGIBLE,
            "the application is not eligible and cannot be recommended: "
            + "; ".join(r.message for r in eligibility.reasons),
            message_zh="该申报不符合条件，不能推荐："
            + "；".join(r.message_zh for r in eligibility.reasons),
            reasons=reasons,
        )
    batch = await session.get(Batch, case.batch)
    assert batch is not None
    rule_set = rules.get(batch.rule_set)
    # Every recommendation takes its category's row lock, quota or not, and a package takes
    # all of its region's: a recommendation is either in the package or refused after it.
    await _lock_quota(session, batch=case.batch, region=case.region, category=case.category.value)
    package = await get_package(session, batch=case.batch, region=case.region)
    if package is not None:
        raise Refusal(
            ErrorCode.WRONG_STAGE,
            f"{case.region} has submitted its package for batch {case.batch} already; "
            "no more recommendations can be added to it",
            message_zh=f"{case.region}已报送批次{case.batch}的推荐汇总，不能再增加推荐",
        )
    limit = rule_set.quota(case.category, case.region)
    if limit is None:
        return
    used = await recommended_count(
        session, batch=case.batch, region=case.region, category=case.category.value
    )
    if used >= limit:
        raise Refusal(
            ErrorCode.QUOTA_EXCEEDED,
            f"quota exceeded: {case.region} may recommend at most {limit} {case.category.value} "
            f"in batch {case.batch} and has recommended {used}",
            message_zh=f"超出推荐名额：{case.region}在批次{case.batch}中{case.category.value}"
            f"最多推荐{limit}个，已推荐{used}个",
            quota=case.category.value,
            limit=limit,
            used=used,
        )
    await session.execute(
        update(QuotaCounter)
        .where(
            QuotaCounter.batch == case.batch,
            QuotaCounter.region == case.region,
            QuotaCounter.category == case.category.value,
        )
        .values(used=used + 1)
    )


async def record_recommendation(
    session: AsyncSession, *, record: TransitionRecord, rules: RuleBook
) -> None:
    """Record an authority's decision; a recommendation is refused (`Refusal`) when the
    application is ineligible or the authority's quota for its category is used up."""
    app = await session.get(Application, record.case.application_id)
    if app is None or app.stage_seq >= record.transition.seq:
        return  # recorded already (a retry after commit)
    decision = record.transition.fact.rsplit(".", 1)[-1]
    if decision == RECOMMENDED:
        await _check_recommendable(session, record=record, rules=rules)
    if not await apply_transition(session, record=record):
        return
    session.add(
        Recommendation(
            application_id=record.case.application_id,
            seq=record.transition.seq,
            batch=record.case.batch,
            region=record.case.region,
            category=record.case.category.value,
            decision=decision,
            reason=record.transition.reason,
            actor=record.transition.actor.label(),
            decided_at=record.transition.at,
        )
    )
    add_case_event(session, record.case, record.transition)


async def project_stage(session: AsyncSession, *, event: ApplicationStageChanged) -> None:
    """Follow a fact another service announced about one of our applications."""
    await apply_transition(
        session, record=TransitionRecord(case=event.case, transition=event.transition)
    )


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
            Recommendation.decision == RECOMMENDED,
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


async def record_package(session: AsyncSession, *, record: PackageRecord) -> PackageSubmitted:
    """Record an authority's package once; a retry returns the package recorded first."""
    for category in Category:  # one order everywhere, so lock waits cannot form a cycle
        await _lock_quota(
            session, batch=record.batch, region=record.region, category=category.value
        )
    existing = await get_package(session, batch=record.batch, region=record.region)
    if existing is not None:
        return PackageSubmitted.model_validate(existing.body)
    units = await recommended_units(session, batch=record.batch, region=record.region)
    counts = {c: sum(1 for u in units if u.category == c) for c in Category}
    package = PackageSubmitted(
        batch=record.batch, region=record.region, submitted_at=record.at,
        submitted_by=record.actor.label(), counts=counts, units=units,
    )
    session.add(
        Package(
            batch=record.batch, region=record.region, submitted_at=record.at,
            submitted_by=record.actor.label(), body=package.model_dump(mode="json"),
        )
    )
    add_event(
        session, Facts.PACKAGE_SUBMITTED, package,
        key=f"package:{record.batch}:{record.region}", occurred_at=record.at,
    )
    return package


async def current_exclusion_uploads(
    session: AsyncSession, *, scopes: Sequence[str] | None
) -> Sequence[ExclusionUpload]:
    query = select(ExclusionUpload).where(ExclusionUpload.superseded_at.is_(None))
    if scopes is not None:
        query = query.where(ExclusionUpload.scope.in_(scopes))
    return (await session.scalars(query.order_by(ExclusionUpload.uploaded_at))).all()


async def record_transition(session: AsyncSession, *, record: TransitionRecord) -> None:
    if await apply_transition(session, record=record):
        add_case_event(session, record.case, record.transition, record.details)


def remind_authorities(session: AsyncSession, *, request: ReminderRequest) -> list[str]:
    """`batch.reminder.due` for each authority that has not submitted; keyed by the offset, so
    a reminder is sent once even when the deadline moves."""
    waiting = [code for code in AUTHORITIES if code not in set(request.submitted)]
    for region in waiting:
        add_event(
            session,
            Facts.BATCH_REMINDER_DUE,
            BatchReminderDue(
                batch=request.batch, region=region, deadline=request.deadline,
                offset=request.amount,
                unit="working_days" if request.unit == "working_days" else "days",
            ),
            key=f"reminder:{request.batch}:{request.amount}{request.unit}:{region}",
            occurred_at=request.at,
        )
    return waiting


def report_missing_packages(session: AsyncSession, *, report: DeadlineReport) -> None:
    add_event(session, Facts.BATCH_DEADLINE_PASSED, report,
              key=f"deadline:{report.batch}:{report.deadline.isoformat()}", occurred_at=report.at)
