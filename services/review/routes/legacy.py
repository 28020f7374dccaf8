"""Importing the already published lists of earlier batches."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile

from services.review.deps import MinistryDep, RuleBookDep, RuntimeDep, UnitOfWorkDep
from services.review.legacy import COLUMNS, CsvShapeError, parse_legacy_csv
from services.review.models import ListedUnit
from services.review.repository import triennial_records
from services.review.routes.listed_units import listed_unit_out
from services.review.schemas import CreditCodeIn, UnitListings
from shared.contracts.auth import Principal, Role
from shared.contracts.bounds import Code
from shared.contracts.listing import LegacyImportResult, LegacyRowReport
from shared.errors import ErrorCode
from shared.http import ApiError, not_found, require
from shared.rules import RuleSetError
from workflows.rereview.schedule import ensure_rereview_schedule, start_listings

router = APIRouter(tags=["legacy lists"])


@router.post("/legacy-lists", response_model=LegacyImportResult)
async def import_legacy_list(
    _: MinistryDep, uow: UnitOfWorkDep, book: RuleBookDep, runtime: RuntimeDep,
    file: Annotated[
        UploadFile,
        File(description="CSV: batch, category, region, name, credit_code (may be empty), "
                         "published_on"),
    ],
    rule_set: Annotated[Code, Form(description="rule set whose review cycle applies")] = "2020-5",
) -> LegacyImportResult:
    """Import an already published list (idempotent); bad rows come back with their reasons."""
    try:
        cycle = book.get(rule_set).review_cycle_years
    except RuleSetError as err:
        raise ApiError(ErrorCode.INVALID, str(err), f"规则集{rule_set}不存在或无效",
                       field="rule_set") from err
    try:
        parsed = parse_legacy_csv(await file.read())
    except CsvShapeError as err:
        raise ApiError(
            ErrorCode.INVALID, str(err),
            f"{err.message_zh}。名单文件须为UTF-8编码的CSV，首行为列名：{', '.join(COLUMNS)}",
            field="file", line=err.line, column=err.column,
        ) from err
    done = await triennial_records.import_legacy_units(uow.session, rows=parsed.rows)
    await uow.commit()
    # Every row's unit gets its workflow, new or not: an earlier import may have stopped
    # half-way, and a start of a running (or removed) unit's workflow is a no-op.
    units = [row.unit() for row in done.rows]
    await start_listings(runtime.temporal, runtime.queues, units)
    batches = sorted({u.batch for u in units})
    for batch in batches:
        first = min(u.published_at for u in units if u.batch == batch)
        await ensure_rereview_schedule(runtime.temporal, runtime.queues, batch, first, cycle)
    rejected = [
        LegacyRowReport(
            line=r.line, status="rejected", reasons=r.reasons,
            message=f"line {r.line}: rejected", message_zh=f"第{r.line}行：未导入",
        )
        for r in parsed.rejected
    ]
    reports = sorted([*done.reports, *rejected], key=lambda r: r.line)
    missing = sum(1 for r in done.reports if r.credit_code_missing)
    return LegacyImportResult(
        imported=done.added, already_present=done.present,
        rejected=[r.as_dict() for r in parsed.rejected],
        batches=batches, credit_code_missing=missing, rows=reports,
        message=(f"{done.added} imported, {done.present} already present, "
                 f"{len(rejected)} rejected; {missing} without a credit code"),
        message_zh=(f"导入{done.added}条，已存在{done.present}条，未导入{len(rejected)}条；"
                    f"其中{missing}条缺少统一社会信用代码，待地区主管部门补全"),
    )


@router.put("/listed-units/{application_id}/credit-code", response_model=UnitListings)
async def complete_credit_code(
    application_id: Annotated[str, Path(max_length=64)], body: CreditCodeIn,
    principal: Annotated[Principal, Depends(require(Role.PROVINCE, Role.MINISTRY))],
    uow: UnitOfWorkDep,
) -> UnitListings:
    """The authority of the unit's region (or the ministry) completes the credit code of a unit
    listed without one. Every listing of that unit takes it; listings already under that code
    are the same unit. Setting the code it has is a no-op; another code is refused."""
    unit = await uow.session.get(ListedUnit, application_id, with_for_update=True)
    if unit is None or (principal.role is Role.PROVINCE and principal.scope != unit.region):
        # Another region's unit is not this authority's to see through this route either.
        if unit is not None and principal.role is Role.PROVINCE:
            raise ApiError(
                ErrorCode.FORBIDDEN,
                f"listed unit {application_id} is in region {unit.region}, not {principal.scope}",
                f"名单单位{application_id}属于地区{unit.region}，不属于{principal.scope}",
            )
        raise not_found(f"listed unit {application_id}", f"名单单位{application_id}")
    if unit.credit_code and unit.credit_code != body.credit_code:
        raise ApiError(
            ErrorCode.DUPLICATE,
            f"{unit.name} already has the credit code {unit.credit_code}",
            f"{unit.name}已有统一社会信用代码{unit.credit_code}，不能改为{body.credit_code}",
            field="credit_code",
        )
    await triennial_records.set_credit_code(uow.session, unit=unit, credit_code=body.credit_code)
    listings = await triennial_records.listings_of_unit(uow.session, unit_id=unit.unit_id)
    out = UnitListings(unit_id=unit.unit_id, listings=[listed_unit_out(u) for u in listings])
    await uow.commit()
    return out
