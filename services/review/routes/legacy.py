"""Importing the already published lists of earlier batches."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from services.review.deps import MinistryDep, RuleBookDep, RuntimeDep, UnitOfWorkDep
from services.review.legacy import COLUMNS, CsvShapeError, parse_legacy_csv
from services.review.repository import triennial_records
from shared.contracts.bounds import Code
from shared.contracts.listing import LegacyImportResult
from shared.errors import ErrorCode
from shared.http import ApiError
from shared.rules import RuleSetError
from workflows.rereview.schedule import ensure_rereview_schedule, start_listings

router = APIRouter(tags=["legacy lists"])


@router.post("/legacy-lists", response_model=LegacyImportResult)
async def import_legacy_list(
    _: MinistryDep, uow: UnitOfWorkDep, book: RuleBookDep, runtime: RuntimeDep,
    file: Annotated[
        UploadFile,
        File(description="CSV: batch, category, region, name, credit_code, published_on"),
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
            f"名单文件须为UTF-8编码的CSV，首行为列名：{', '.join(COLUMNS)}", field="file",
        ) from err
    added, present = await triennial_records.import_legacy_units(uow.session, rows=parsed.rows)
    await uow.commit()
    # Every row's unit gets its workflow, new or not: an earlier import may have stopped
    # half-way, and a start of a running (or removed) unit's workflow is a no-op.
    units = [row.unit() for row in parsed.rows]
    await start_listings(runtime.temporal, runtime.queues, units)
    batches = sorted({u.batch for u in units})
    for batch in batches:
        first = min(u.published_at for u in units if u.batch == batch)
        await ensure_rereview_schedule(runtime.temporal, runtime.queues, batch, first, cycle)
    return LegacyImportResult(
        imported=added, already_present=present, rejected=parsed.rejected, batches=batches
    )
