"""Triennial reviews of a batch's listed units: where each stands, and the authorities'
reports of their on-site checks."""

from __future__ import annotations

from fastapi import APIRouter

from services.review.deps import PrincipalDep, ProvinceDep, SessionDep, TemporalDep
from services.review.repository import triennial
from services.review.schemas import ReReviewOut, ReReviewReportIn
from shared.contracts.bounds import BatchCode, Identifier
from shared.contracts.listing import ReReviewReport, ReReviewView
from workflows import handles
from workflows.rereview.workflow import ReReviewWorkflow

router = APIRouter(tags=["triennial reviews"])


@router.get("/rereviews", response_model=list[ReReviewOut])
async def list_rereviews(
    _: PrincipalDep, session: SessionDep, batch: BatchCode | None = None
) -> list[ReReviewOut]:
    """Triennial reviews, oldest first."""
    return [
        ReReviewOut.model_validate(r, from_attributes=True)
        for r in await triennial.list_rereviews(session, batch=batch)
    ]


@router.get("/rereviews/{review_id}", response_model=ReReviewView)
async def get_rereview(
    review_id: Identifier, _: PrincipalDep, temporal: TemporalDep
) -> ReReviewView:
    """Where a review stands: authorities pending and reported, units to remove."""
    return await handles.rereview(temporal, review_id).query(ReReviewWorkflow.view)


@router.post("/rereviews/{review_id}/report", response_model=ReReviewView)
async def report_rereview(
    review_id: Identifier, body: ReReviewReportIn, province: ProvinceDep, temporal: TemporalDep
) -> ReReviewView:
    """An authority reports its on-site check of each of its listed units (retained / removed)."""
    return await handles.rereview(temporal, review_id).execute_update(
        ReReviewWorkflow.report, ReReviewReport(actor=province, results=body.results)
    )
