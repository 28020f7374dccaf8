"""Engagements: the applicant entrusts an agency, the agency accepts or declines, then
submits its evaluation report."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from pydantic import ValidationError

from services.agency import repository
from services.agency.deps import (
    AgencyDep,
    ApplicantDep,
    PrincipalDep,
    ReportFilesDep,
    RuleBookDep,
    SessionDep,
    TemporalDep,
    UnitOfWorkDep,
    VisibleEngagement,
)
from services.agency.evaluation import InvalidReport, assess
from services.agency.files import UnacceptableFile
from services.agency.models import Engagement, Report
from services.agency.routes.common import rule_set_of_batch
from services.agency.schemas import AcceptanceIn, EngagementCreate, ReportOut, ReportSubmitted
from shared.contracts.agency import EngagementStatus, EngagementView, EvaluationReport
from shared.contracts.application import (
    AcceptEngagementCommand,
    EntrustCommand,
    ReportCommand,
)
from shared.contracts.auth import Role
from shared.contracts.bounds import BatchCode
from shared.errors import ErrorCode
from shared.http import ApiError, validation_refusal
from shared.rules.model import Category
from workflows import handles
from workflows.application.workflow import ApplicationWorkflow

router = APIRouter(tags=["agency"])

_STATUS_ZH = {
    EngagementStatus.REQUESTED: "待接受",
    EngagementStatus.ACCEPTED: "已接受",
    EngagementStatus.DECLINED: "已拒绝",
    EngagementStatus.REPORTED: "已提交评价报告",
}


def _out(engagement: Engagement) -> EngagementView:
    return EngagementView.model_validate(engagement, from_attributes=True)


@router.post("/engagements", status_code=status.HTTP_201_CREATED, response_model=EngagementView)
async def entrust(
    body: EngagementCreate, applicant: ApplicantDep, uow: UnitOfWorkDep, temporal: TemporalDep,
    rules: RuleBookDep,
) -> EngagementView:
    """The applicant entrusts a registered agency with the evaluation of its application,
    declaring independence and, when someone else prepared its self-evaluation, who."""
    if await repository.get_agency(uow.session, agency_id=body.agency_id) is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"agency {body.agency_id} is not registered",
                       f"机构{body.agency_id}未注册", field="agency_id")
    # The engagement is written after the update, in a fresh transaction.
    await uow.release()
    # The case's workflow decides, under its lock, whether this applicant may entrust now (its
    # case, awaiting evaluation, nothing accepted yet): no stage read here that could be stale.
    view = await handles.application(temporal, body.application_id).execute_update(
        ApplicationWorkflow.entrust, EntrustCommand(actor=applicant, agency_id=body.agency_id)
    )
    rule_set = await rule_set_of_batch(temporal, rules, view.case.batch)
    engagement = await repository.add_engagement(
        uow.session, case=view.case, agency_id=body.agency_id, rule_set=rule_set.code,
        independence=body.independence, prepared_by=body.self_evaluation_prepared_by)
    await uow.commit()
    return _out(engagement)


@router.get("/engagements", response_model=list[EngagementView])
async def list_engagements(principal: PrincipalDep, session: SessionDep) -> list[EngagementView]:
    """The caller's engagements: an agency's own, an applicant's own, all for the ministry."""
    if principal.role == Role.PROVINCE:
        raise ApiError(ErrorCode.FORBIDDEN, "authorities see applications in intake",
                       "推荐单位请在申报受理中查看申报")
    rows = await repository.list_engagements(
        session,
        agency_id=principal.scope if principal.role == Role.AGENCY else None,
        applicant=principal.scope if principal.role == Role.APPLICANT else None,
    )
    return [_out(e) for e in rows]


@router.get("/engagements/{engagement_id}", response_model=EngagementView)
async def get_engagement(engagement: VisibleEngagement) -> EngagementView:
    """One engagement, for its agency, its applicant, the ministry and ops; 404 otherwise."""
    return _out(engagement)


@router.post("/engagements/{engagement_id}/acceptance", response_model=EngagementView)
async def accept(
    body: AcceptanceIn, agency: AgencyDep, engagement: VisibleEngagement, uow: UnitOfWorkDep,
    temporal: TemporalDep,
) -> EngagementView:
    """The agency accepts (declaring independence; refused when unqualified, banned, not
    independent or over the group's cap) or declines."""
    if engagement.status != EngagementStatus.REQUESTED:
        state = EngagementStatus(engagement.status)
        raise ApiError(ErrorCode.DUPLICATE, f"engagement {engagement.id} is {state} already",
                       f"委托{engagement.id}{_STATUS_ZH[state]}，不能再次处理")
    if not body.accept:
        await repository.decline(uow.session, engagement=engagement, note=body.note)
        await uow.commit()
        return _out(engagement)
    if body.independence is None:
        raise ApiError(ErrorCode.INVALID,
                       "accepting needs the agency's declaration of independence",
                       "接受委托须声明独立性", field="independence")
    await uow.release()  # the update's activity records the acceptance with a connection
    await handles.application(temporal, engagement.application_id).execute_update(
        ApplicationWorkflow.accept_engagement,
        AcceptEngagementCommand(actor=agency, engagement_id=engagement.id,
                                agency_id=engagement.agency_id, independence=body.independence),
    )
    await uow.session.refresh(engagement)
    return _out(engagement)


def _parse_report(report: str) -> EvaluationReport:
    try:
        data = json.loads(report)
    except json.JSONDecodeError as err:
        raise ApiError(ErrorCode.INVALID, f"report is not JSON: {err}",
                       "评价报告（report）不是有效的JSON", field="report") from err
    try:
        return EvaluationReport.model_validate(data)
    except ValidationError as err:
        # The same refusal as a JSON body's: the field by its path in the form, every problem.
        errors = [{**e, "loc": ("body", "report", *e["loc"])}
                  for e in err.errors(include_url=False)]
        body = validation_refusal(errors, {"report": data})
        raise ApiError(ErrorCode.INVALID, body["message"], body["message_zh"],
                       field=body.get("field"), errors=body["errors"]) from err


@router.post("/engagements/{engagement_id}/report", response_model=ReportSubmitted)
async def submit_report(
    agency: AgencyDep,
    engagement: VisibleEngagement,
    uow: UnitOfWorkDep,
    temporal: TemporalDep,
    rules: RuleBookDep,
    files: ReportFilesDep,
    report: Annotated[
        str, Form(description="the structured report, JSON (EvaluationReport)",
                  max_length=1_000_000)
    ],
    file: Annotated[UploadFile, File(description="the signed report, PDF or OFD")],
) -> ReportSubmitted:
    """The agency submits its evaluation report (multipart: `report` JSON and the signed
    `file`). Pass/fail and score are computed from the rule set's tables; the case moves to
    the authority, or is rejected when the evaluation fails. Refused during a ban."""
    if engagement.status == EngagementStatus.REPORTED:
        # Checked here too: a failed evaluation ends the case, whose workflow then answers
        # no more updates.
        raise ApiError(ErrorCode.DUPLICATE, f"engagement {engagement.id} is reported already",
                       "该委托的评价报告已提交")
    ban = await repository.active_ban(uow.session, agency_id=engagement.agency_id)
    if ban is not None:
        raise ApiError(ErrorCode.BANNED, f"reports of agency {engagement.agency_id} are refused "
                       f"until {ban.ends_at.date()}",
                       f"机构评价报告在{ban.ends_at.date()}前不予受理",
                       ends_at=ban.ends_at.isoformat())
    parsed = _parse_report(report)
    try:
        assessment = assess(rules.get(engagement.rule_set or engagement.batch),
                            Category(engagement.category), parsed)
    except InvalidReport as err:
        raise ApiError(ErrorCode.INVALID, err.message, err.message_zh,
                       field=f"report.{err.field}") from err
    await uow.release()  # files and the update's activity wait on others; hold no connection
    try:
        stored = await files.save(await file.read(), file.filename or "report")
    except UnacceptableFile as err:
        raise ApiError(err.code, err.message, err.message_zh, field="file") from err
    await handles.application(temporal, engagement.application_id).execute_update(
        ApplicationWorkflow.submit_report,
        ReportCommand(
            actor=agency,
            engagement_id=engagement.id,
            agency_id=engagement.agency_id,
            passed=assessment.passed,
            score=assessment.score,
            summary=parsed.summary or "; ".join(f.message for f in assessment.failures),
            details={"report": parsed.model_dump(mode="json"),
                     "assessment": assessment.model_dump(mode="json"),
                     "file": stored.model_dump(mode="json")},
        ),
    )
    await uow.session.refresh(engagement)
    return ReportSubmitted(engagement=_out(engagement), assessment=assessment, file=stored)


@router.get("/reports", response_model=list[ReportOut])
async def list_reports(
    principal: PrincipalDep, session: SessionDep,
    batch: BatchCode | None = None, flagged: bool | None = None,
) -> list[ReportOut]:
    """Reports: an agency's own; all for the ministry (e.g. those flagged for review)."""
    if principal.role not in (Role.AGENCY, Role.MINISTRY, Role.OPS):
        raise ApiError(ErrorCode.FORBIDDEN, "reports are for their agency and the ministry",
                       "评价报告仅供出具报告的机构和工业和信息化部查看")
    rows: list[Report] = list(await repository.list_reports(
        session, agency_id=principal.scope if principal.role == Role.AGENCY else None,
        batch=batch, flagged=flagged))
    return [ReportOut.model_validate(r, from_attributes=True) for r in rows]
