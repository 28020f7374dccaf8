"""Spot checks of listed units: a reproducible draw, and findings that may remove a unit."""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from temporalio.client import Client
from temporalio.service import RPCError

from services.review.deps import MinistryDep, RuleBookDep, TemporalDep, UnitOfWorkDep
from services.review.repository import triennial, triennial_records
from services.review.schemas import FindingIn, FindingOut, SpotCheckIn, SpotCheckOut
from shared.contracts.bounds import Identifier
from shared.contracts.listing import Removal
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from shared.rules import RuleSet
from shared.rules.book import RuleBook
from workflows import handles
from workflows.batch.workflow import BatchWorkflow
from workflows.listing.workflow import ListingWorkflow

router = APIRouter(tags=["spot checks"])


async def _rules_of(book: RuleBook, temporal: Client, batch: str | None) -> RuleSet:
    """The rule set of a batch run by the platform (its workflow knows it); the newest batch
    rule set for legacy batches and for a draw over every batch."""
    if batch:
        try:
            view = await handles.batch(temporal, batch).query(BatchWorkflow.view)
            return book.get(view.rule_set)
        except RPCError:
            pass  # a legacy batch: no workflow
    return book.current()


@router.post("/spot-checks/listed-units", status_code=201, response_model=SpotCheckOut)
async def draw_spot_check(
    body: SpotCheckIn, ministry: MinistryDep, uow: UnitOfWorkDep, book: RuleBookDep,
    temporal: TemporalDep,
) -> SpotCheckOut:
    """Draw a reproducible sample of listed units for a third-party spot check; the draw is kept."""
    rules = await _rules_of(book, temporal, body.batch)
    seed = body.seed if body.seed is not None else secrets.randbelow(2**31)
    check = await triennial_records.draw_spot_check(
        uow.session, batch=body.batch, seed=seed,
        sample_size=rules.spot_check.listed_unit_sample_size, actor=ministry.label(),
    )
    await uow.commit()
    return SpotCheckOut.model_validate(check, from_attributes=True)


@router.post(
    "/spot-checks/listed-units/{spot_check_id}/findings", status_code=201, response_model=FindingOut
)
async def record_finding(
    spot_check_id: Identifier, body: FindingIn, ministry: MinistryDep, uow: UnitOfWorkDep,
    temporal: TemporalDep,
) -> FindingOut:
    """Record a finding on a sampled unit; one that no longer qualifies is removed."""
    check = await triennial.get_spot_check(uow.session, spot_check_id=spot_check_id)
    if check is None:
        raise not_found(f"spot check {spot_check_id}", f"抽查{spot_check_id}")
    if body.application_id not in check.sample:
        raise ApiError(
            ErrorCode.INVALID, f"{body.application_id} is not in this spot check's sample",
            f"{body.application_id}不在本次抽查的样本中", field="application_id",
        )
    if not body.qualifies and not body.reasons:
        raise ApiError(
            ErrorCode.INVALID, "a unit that no longer qualifies needs the reasons",
            "认定不再符合条件的单位须说明撤销理由", field="reasons",
        )
    finding = await triennial_records.add_finding(
        uow.session, spot_check_id=spot_check_id, application_id=body.application_id,
        qualifies=body.qualifies, finding=body.finding, reasons=[r.value for r in body.reasons],
        actor=ministry.label(),
    )
    await uow.commit()
    out = FindingOut.model_validate(finding, from_attributes=True)
    if not body.qualifies:
        view = await handles.listing(temporal, body.application_id).execute_update(
            ListingWorkflow.remove,
            Removal(actor=ministry, reasons=body.reasons, note=body.finding, source="spot_check",
                    reference=spot_check_id),
        )
        out.removal_status = view.status
    return out
