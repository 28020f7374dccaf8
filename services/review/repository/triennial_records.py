"""Recording what happens to listed units after publication: removals, yearly reports and
their reminders, triennial reviews, spot checks and imported legacy lists, each with the fact
it announces (through the outbox, in the same transaction)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.review.legacy import LegacyRow
from services.review.models import (
    ListedUnit,
    ListingFinding,
    ListingSpotCheck,
    Publication,
    ReReview,
    ReReviewRequest,
    ReReviewResult,
    YearlyReport,
)
from services.review.repository.triennial import listed_unit_contract
from shared.contracts.events import Facts
from shared.contracts.listing import (
    LegacyImportResult,
    LegacyRowReason,
    LegacyRowReport,
    RemovalRecord,
    ReReviewNotice,
    ReReviewOpen,
    ReReviewOutcome,
    ReReviewPlan,
    ReReviewReminder,
    ReReviewReportRecord,
    SpotCheckDrawn,
    UnitRemoved,
    YearlyReportDue,
    YearlyReportOut,
)
from shared.messaging.outbox import add_event
from shared.rules.model import Category

# ------------------------------------------------------------------ listed units


async def record_removal(session: AsyncSession, *, record: RemovalRecord) -> None:
    unit = await session.get(ListedUnit, record.unit.application_id, with_for_update=True)
    if unit is None:
        raise LookupError(f"listed unit {record.unit.application_id} not found")
    if unit.status == "removed":
        return
    unit.status, unit.removed_at = "removed", record.at
    unit.removal = record.removal.model_dump(mode="json")
    add_event(
        session,
        Facts.UNIT_REMOVED,
        UnitRemoved(
            application_id=unit.application_id, batch=unit.batch, category=Category(unit.category),
            name=unit.name, credit_code=unit.credit_code, region=unit.region,
            reasons=record.removal.reasons, note=record.removal.note, source=record.removal.source,
            removed_at=record.at,
        ),
        key=f"removal:{unit.application_id}",
    )


async def yearly_report_due_event(session: AsyncSession, *, due: YearlyReportDue) -> None:
    if not due.credit_code:
        # A legacy unit listed without a code: its workflow still holds the empty code, but its
        # authority may have completed it since, and the reminder must reach the enterprise.
        unit = await session.get(ListedUnit, due.application_id)
        if unit is not None and unit.credit_code:
            due = due.model_copy(update={"credit_code": unit.credit_code})
    add_event(
        session, Facts.YEARLY_REPORT_DUE, due,
        key=f"yearly-report-due:{due.application_id}:{due.year}",
        occurred_at=due.reminded_at,
    )


async def add_yearly_report(
    session: AsyncSession, *, application_id: str, year: int, url: str, summary: str
) -> YearlyReport:
    report = YearlyReport(application_id=application_id, year=year, url=url, summary=summary)
    session.add(report)
    await session.flush()
    add_event(
        session, Facts.YEARLY_REPORT_SUBMITTED,
        YearlyReportOut.model_validate(report, from_attributes=True),
        key=f"yearly-report:{application_id}:{year}",
    )
    return report


# ------------------------------------------------------------------ triennial review


async def open_rereview(session: AsyncSession, *, request: ReReviewOpen) -> ReReviewPlan:
    """Record the review and what each authority must check; idempotent per review id."""
    units = (
        await session.scalars(
            select(ListedUnit)
            .where(
                ListedUnit.batch == request.batch, ListedUnit.status.in_(("listed", "published"))
            )
            .order_by(ListedUnit.region, ListedUnit.application_id)
        )
    ).all()
    if await session.get(ReReview, request.review_id) is None:
        session.add(ReReview(id=request.review_id, batch=request.batch, opened_at=request.opened_at,
                             deadline=request.deadline))
        await session.flush()
        per_region: dict[str, int] = {}
        for unit in units:
            per_region[unit.region] = per_region.get(unit.region, 0) + 1
        for region, count in sorted(per_region.items()):
            session.add(ReReviewRequest(review_id=request.review_id, region=region, units=count))
            add_event(
                session, Facts.REREVIEW_REQUESTED,
                ReReviewNotice(review_id=request.review_id, batch=request.batch, region=region,
                               deadline=request.deadline, units=count),
                key=f"rereview:{request.review_id}:{region}:requested",
                occurred_at=request.opened_at,
            )
    return ReReviewPlan(
        review_id=request.review_id, batch=request.batch, deadline=request.deadline,
        units=[listed_unit_contract(u) for u in units],
    )


async def remind_rereview(session: AsyncSession, *, reminder: ReReviewReminder) -> None:
    for region in reminder.regions:
        request = await session.get(ReReviewRequest, (reminder.review_id, region))
        if request is None or request.reported_at is not None:
            continue
        request.reminders += 1
        add_event(
            session, Facts.REREVIEW_REMINDER_DUE,
            ReReviewNotice(
                review_id=reminder.review_id, batch=reminder.batch, region=region,
                deadline=reminder.deadline, units=request.units, days_left=reminder.days_left,
            ),
            key=f"rereview:{reminder.review_id}:{region}:remind:{reminder.days_left}",
            occurred_at=reminder.at,
        )


async def record_rereview_report(session: AsyncSession, *, record: ReReviewReportRecord) -> None:
    request = await session.get(ReReviewRequest, (record.review_id, record.region))
    if request is None or request.reported_at is not None:
        return
    request.reported_at = record.at
    for check in record.report.results:
        session.add(
            ReReviewResult(
                review_id=record.review_id, application_id=check.application_id,
                region=record.region,
                outcome=check.outcome, reasons=[r.value for r in check.reasons], note=check.note,
            )
        )
    add_event(
        session, Facts.REREVIEW_REPORTED, record,
        key=f"rereview:{record.review_id}:{record.region}:reported",
    )


async def complete_rereview(session: AsyncSession, *, outcome: ReReviewOutcome) -> None:
    review = await session.get(ReReview, outcome.review_id)
    if review is None or review.status == "completed":
        return
    review.status, review.completed_at = "completed", outcome.completed_at
    review.retained, review.removed, review.regions_missing = (
        outcome.retained, outcome.removed, outcome.regions_missing,
    )
    add_event(
        session, Facts.REREVIEW_COMPLETED, outcome, key=f"rereview:{outcome.review_id}:completed"
    )


# ------------------------------------------------------------------ spot checks


async def draw_spot_check(
    session: AsyncSession, *, batch: str | None, seed: int, sample_size: Callable[[int], int],
    actor: str,
) -> ListingSpotCheck:
    """A reproducible draw: the same population and seed always give the same sample."""
    query = select(ListedUnit.application_id).where(ListedUnit.status.in_(("listed", "published")))
    if batch:
        query = query.where(ListedUnit.batch == batch)
    population = sorted((await session.scalars(query)).all())
    size = sample_size(len(population))
    sample = sorted(random.Random(seed).sample(population, size))
    check = ListingSpotCheck(
        id=uuid.uuid4().hex, batch=batch, seed=seed, population=len(population),
        sample=sample, actor=actor,
    )
    session.add(check)
    await session.flush()
    add_event(
        session, Facts.LISTING_SPOT_CHECK_DRAWN,
        SpotCheckDrawn(
            id=check.id, batch=batch, seed=seed, population=len(population), sample=sample
        ),
        key=f"listing-spot-check:{check.id}",
    )
    return check


async def add_finding(
    session: AsyncSession, *, spot_check_id: str, application_id: str, qualifies: bool,
    finding: str, reasons: list[str], actor: str,
) -> ListingFinding:
    row = ListingFinding(
        spot_check_id=spot_check_id, application_id=application_id, qualifies=qualifies,
        finding=finding, reasons=reasons, actor=actor,
    )
    session.add(row)
    await session.flush()
    return row


# ------------------------------------------------------------------ legacy lists


@dataclass
class LegacyImport:
    """What an import did: the rows as stored (a code-less row may have found its unit's code)
    and one report per imported or already present line."""

    rows: list[LegacyRow] = field(default_factory=list)
    reports: list[LegacyRowReport] = field(default_factory=list)
    added: int = 0
    present: int = 0


async def import_legacy_units(session: AsyncSession, *, rows: list[LegacyRow]) -> LegacyImport:
    """Insert the listings not yet known. A row without a credit code whose exact name and
    region belong to a unit with a code (in this file or already listed) is a listing of that
    unit and takes its code; a row with a code finds a listing first imported without it."""
    result = LegacyImport()
    ids = {r.application_id for r in rows} | {r.uncoded_id for r in rows if r.credit_code}
    known = {
        u.application_id: u
        for u in (await session.scalars(
            select(ListedUnit).where(ListedUnit.application_id.in_(ids))
        )).all()
    } if rows else {}
    codes = await _codes_by_name(session, rows)
    added: list[ListedUnit] = []
    for row in rows:
        existing = known.get(row.application_id) or (
            known.get(row.uncoded_id) if row.credit_code else None
        )
        if existing is not None:
            notes: list[LegacyRowReason] = []
            if row.credit_code and not existing.credit_code:
                await set_credit_code(session, unit=existing, credit_code=row.credit_code)
                notes.append(_note_completed(row.credit_code))
            result.present += 1
            result.rows.append(replace(
                row, application_id=existing.application_id, credit_code=existing.credit_code,
            ))
            result.reports.append(_report(row.line, "already_present", existing, notes))
            continue
        notes = []
        if not row.credit_code and (code := codes.get((row.region, row.name))):
            row = replace(row, credit_code=code)
            notes.append(LegacyRowReason(
                field="credit_code",
                message=f"credit_code: taken from the same unit's other listing ({code})",
                message_zh=f"统一社会信用代码：取自同一单位的其他名单记录（{code}）",
            ))
        publication_id = f"legacy:{row.batch}"
        if await session.get(Publication, publication_id) is None:
            session.add(Publication(
                id=publication_id, batch=row.batch, published_at=row.published_at,
                actor="legacy-import", count=0,
            ))
            await session.flush()
        unit = ListedUnit(
            application_id=row.application_id, publication_id=publication_id, batch=row.batch,
            category=row.category.value, region=row.region, name=row.name,
            credit_code=row.credit_code, unit_id=row.unit_id,
            status="listed", published_at=row.published_at, legacy=True,
        )
        session.add(unit)
        known[unit.application_id] = unit
        added.append(unit)
        result.rows.append(row)
        result.reports.append(_report(row.line, "imported", unit, notes))
    result.added = len(added)
    if added:
        add_event(
            session, Facts.UNITS_IMPORTED,
            LegacyImportResult(
                imported=len(added), already_present=result.present,
                batches=sorted({u.batch for u in added}),
                credit_code_missing=sum(1 for u in added if not u.credit_code),
            ),
        )
    return result


async def _codes_by_name(
    session: AsyncSession, rows: list[LegacyRow]
) -> dict[tuple[str, str], str]:
    """The credit codes known for the (region, exact name) of the code-less rows."""
    wanted = {(r.region, r.name) for r in rows if not r.credit_code}
    if not wanted:
        return {}
    codes = {(r.region, r.name): r.credit_code for r in rows if r.credit_code}
    listed = await session.execute(
        select(ListedUnit.region, ListedUnit.name, ListedUnit.credit_code).where(
            ListedUnit.name.in_({name for _, name in wanted}), ListedUnit.credit_code != ""
        )
    )
    for region, name, code in listed.all():
        codes.setdefault((region, name), code)
    return {key: codes[key] for key in wanted if key in codes}


def _note_completed(code: str) -> LegacyRowReason:
    return LegacyRowReason(
        field="credit_code", message=f"credit_code: completed from this row ({code})",
        message_zh=f"统一社会信用代码：已按本行补全（{code}）",
    )


def _report(
    line: int, status: str, unit: ListedUnit, notes: list[LegacyRowReason]
) -> LegacyRowReport:
    message, message_zh = {
        "imported": ("imported", "已导入"),
        "already_present": ("already present", "已存在"),
    }[status]
    if not unit.credit_code:
        message += "; credit code missing, for the authority to complete"
        message_zh += "；缺少统一社会信用代码，待所在地区主管部门补全"
    return LegacyRowReport(
        line=line, status=status, application_id=unit.application_id, unit_id=unit.unit_id,
        credit_code_missing=not unit.credit_code, reasons=notes,
        message=f"line {line}: {message}", message_zh=f"第{line}行：{message_zh}",
    )


async def set_credit_code(session: AsyncSession, *, unit: ListedUnit, credit_code: str) -> None:
    """Complete the code of a unit listed without one: every listing of that unit (its exact
    name and region) takes it, and joins the unit's listings under that code if there are any
    (the same code is the same unit)."""
    if unit.credit_code:
        return
    listings = (await session.scalars(
        select(ListedUnit).where(ListedUnit.unit_id == unit.unit_id, ListedUnit.credit_code == "")
        .with_for_update()
    )).all()
    for listing in {*listings, unit}:
        listing.credit_code, listing.unit_id = credit_code, credit_code
    await session.flush()


async def listings_of_unit(session: AsyncSession, *, unit_id: str) -> list[ListedUnit]:
    return list((await session.scalars(
        select(ListedUnit).where(ListedUnit.unit_id == unit_id)
        .order_by(ListedUnit.published_at, ListedUnit.application_id)
    )).all())
