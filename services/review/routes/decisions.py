"""The ministry's review of a recommended application: decide, or ask for more information."""

from __future__ import annotations

from fastapi import APIRouter

from services.review.deps import MinistryDep, TemporalDep
from services.review.schemas import CaseStageOut, DecisionIn, InformationRequestIn
from shared.contracts.application import CaseView, DecisionCommand, InformationRequest
from shared.contracts.bounds import Identifier
from workflows import handles
from workflows.application.workflow import ApplicationWorkflow

router = APIRouter(tags=["decisions"])


def _case_out(application_id: str, view: CaseView) -> CaseStageOut:
    return CaseStageOut(
        application_id=application_id, batch=view.case.batch, category=view.case.category.value,
        region=view.case.region, applicant_name=view.case.applicant_name,
        credit_code=view.case.credit_code, stage=view.stage.value, seq=view.seq,
        updated_at=view.history[-1].at,
    )


@router.post("/applications/{application_id}/decision", response_model=CaseStageOut)
async def decide(
    application_id: Identifier, body: DecisionIn, ministry: MinistryDep, temporal: TemporalDep
) -> CaseStageOut:
    """The ministry approves or rejects (with a reason) a recommended application."""
    view = await handles.application(temporal, application_id).execute_update(
        ApplicationWorkflow.decide,
        DecisionCommand(actor=ministry, decision=body.decision, reason=body.reason),
    )
    return _case_out(application_id, view)


@router.post("/applications/{application_id}/information-request", response_model=CaseStageOut)
async def request_information(
    application_id: Identifier, body: InformationRequestIn, ministry: MinistryDep,
    temporal: TemporalDep,
) -> CaseStageOut:
    """Send a recommended application back to its authority for more information, due by a date."""
    view = await handles.application(temporal, application_id).execute_update(
        ApplicationWorkflow.request_information,
        InformationRequest(actor=ministry, question=body.question, due=body.due),
    )
    return _case_out(application_id, view)
