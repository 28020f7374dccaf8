"""What intake's activities and consumers record: each transition of a case or a batch with
its facts, in the caller's transaction (no commits inside). Refusals found in the data
(`Ineligible`, `QuotaExceeded`, a package already submitted) are raised as `Refused`; the
activity turns them into final Temporal refusals, so they reach the HTTP caller as they are."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.models import (
    Application,
    Batch,
    Package,
    QuotaCounter,
    Recommendation,
    RecommendationDecision,
)
from services.intake.repository import (
    check_eligibility,
    get_package,
    latest_eligibility,
    recommended_units,
)
from shared.contracts.application import ApplicationStageChanged, SubmissionRecord, TransitionRecord
from shared.contracts.batch import DeadlineReport, PackageRecord, PackageSubmitted, ReminderRequest
from shared.contracts.events import Facts
from shared.contracts.notices import BatchReminderDue
from shared.errors import ErrorCode, Refused
from shared.messaging.outbox import add_case_event, add_event
from shared.regions import AUTHORITIES
from shared.rules.book import RuleBook
from shared.rules.model import Category


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
                Recommendation.decision == RecommendationDecision.RECOMMENDED.value,
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
        raise Refused(
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
        raise Refused(
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
        raise Refused(
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
    """Record an authority's decision; a recommendation is refused (`Ineligible`,
    `QuotaExceeded`, `WrongStage`) when the application is ineligible, the authority's quota
    for its category is used up or its package is submitted already."""
    app = await session.get(Application, record.case.application_id)
    if app is None or app.stage_seq >= record.transition.seq:
        return  # recorded already (a retry after commit)
    decision = RecommendationDecision.of_fact(record.transition.fact)
    if decision == RecommendationDecision.RECOMMENDED:
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
            decision=decision.value,
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
