"""Supervision: the ministry's spot checks of agencies, its findings and the bans a serious
finding starts."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, status
from sqlalchemy.ext.asyncio import AsyncSession

from services.agency import repository
from services.agency.deps import (
    MinistryDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    UnitOfWorkDep,
)
from services.agency.models import Finding, SpotCheck
from services.agency.routes.common import rule_set_of_batch
from services.agency.schemas import (
    AgencyFindingIn,
    AgencyFindingOut,
    AgencySpotCheckIn,
    AgencySpotCheckOut,
)
from services.agency.supervision import ban_end, draw
from shared.contracts.agency import BanStart, FindingSeverity
from shared.db import utcnow
from shared.deps import release
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from shared.rules.book import RuleBook
from shared.runtime import ServiceRuntime
from shared.temporal import agency_ban_workflow_id
from workflows.agency_ban.workflow import AgencyBanWorkflow
from workflows.handles import start_unless_running

router = APIRouter(tags=["agency"])


async def _spot_check(session: AsyncSession, spot_check_id: str) -> SpotCheck:
    check = await repository.get_spot_check(session, spot_check_id=spot_check_id)
    if check is None:
        raise not_found(f"spot check {spot_check_id}", f"抽查{spot_check_id}")
    return check


async def _spot_check_out(session: AsyncSession, check: SpotCheck) -> AgencySpotCheckOut:
    findings = await repository.findings_of(session, spot_check_id=check.id)
    out = AgencySpotCheckOut.model_validate(check, from_attributes=True)
    out.findings = [AgencyFindingOut.model_validate(f, from_attributes=True) for f in findings]
    return out


@router.post("/spot-checks", status_code=status.HTTP_201_CREATED,
             response_model=AgencySpotCheckOut)
async def draw_spot_check(
    body: AgencySpotCheckIn, ministry: MinistryDep, uow: UnitOfWorkDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> AgencySpotCheckOut:
    """Draw a reproducible sample of agencies (size from the rule set) and record the draw:
    seed, population and sample, with the sampled agencies' reports of the batch."""
    rule_set = await rule_set_of_batch(runtime.temporal, rules, body.batch)
    population = await repository.agency_ids(uow.session)
    seed = body.seed if body.seed is not None else secrets.randbits(63)
    sample = draw(population, seed=seed,
                  size=rule_set.spot_check.agency_sample_size(len(population)))
    check = await repository.add_spot_check(
        uow.session, batch=body.batch, rule_set=rule_set.code, seed=seed, population=population,
        sample=sample, drawn_by=ministry.label())
    await uow.commit()
    return await _spot_check_out(uow.session, check)


@router.get("/spot-checks/{spot_check_id}", response_model=AgencySpotCheckOut)
async def get_spot_check(
    spot_check_id: str, _: MinistryDep, session: SessionDep
) -> AgencySpotCheckOut:
    return await _spot_check_out(session, await _spot_check(session, spot_check_id))


@router.post("/spot-checks/{spot_check_id}/findings", status_code=status.HTTP_201_CREATED,
             response_model=AgencyFindingOut)
async def add_finding(
    spot_check_id: str, body: AgencyFindingIn, ministry: MinistryDep, uow: UnitOfWorkDep,
    runtime: RuntimeDep, rules: RuleBookDep,
) -> AgencyFindingOut:
    """Record a finding on a sampled agency. A serious one sanctions it: its ban workflow
    starts (reports refused for the rule set's ban years, the batch's reports flagged)."""
    check = await _spot_check(uow.session, spot_check_id)
    if body.agency_id not in check.sample:
        raise ApiError(ErrorCode.INVALID,
                       f"agency {body.agency_id} is not in this spot check's sample",
                       f"机构{body.agency_id}不在本次抽查的样本中", field="agency_id")
    foreign = sorted(set(body.report_ids) - set(await repository.list_reports_of(
        uow.session, agency_ids=[body.agency_id], batch=check.batch)))
    if foreign:
        raise ApiError(ErrorCode.INVALID, f"reports {foreign} are not reports of agency "
                       f"{body.agency_id} in batch {check.batch}",
                       f"报告{foreign}不是机构{body.agency_id}在第{check.batch}批出具的评价报告",
                       field="report_ids")
    finding = await repository.add_finding(
        uow.session, check=check, agency_id=body.agency_id, severity=body.severity,
        description=body.description, report_ids=body.report_ids, decided_by=ministry.label(),
        decided_at=utcnow())
    start = _ban_start(finding, check, rules) if body.severity == FindingSeverity.SERIOUS else None
    if start is not None:
        finding.ban_workflow_id = agency_ban_workflow_id(start.agency_id, start.finding_id)
    await uow.commit()
    if start is not None:
        # After the commit: the finding is the record of the decision. Should Temporal be
        # away now, PUT /findings/{id}/ban starts the same ban (the id derives from it).
        await _start_ban(runtime, start)
    return _finding_out(finding, start)


@router.put("/findings/{finding_id}/ban", response_model=AgencyFindingOut)
async def start_ban(
    finding_id: str, _: MinistryDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> AgencyFindingOut:
    """(Re)start the ban of a serious finding; idempotent: the ban already running stays."""
    finding = await repository.get_finding(session, finding_id=finding_id)
    if finding is None:
        raise not_found(f"finding {finding_id}", f"抽查问题{finding_id}")
    if finding.severity != FindingSeverity.SERIOUS:
        raise ApiError(ErrorCode.WRONG_STAGE, f"finding {finding_id} is {finding.severity}; only "
                       "a serious finding sanctions the agency",
                       f"抽查问题{finding_id}为一般问题，只有严重问题才对机构作出禁入处理")
    check = await _spot_check(session, finding.spot_check_id)
    start = _ban_start(finding, check, rules)
    await release(session)
    await _start_ban(runtime, start)
    return _finding_out(finding, start)


def _ban_start(finding: Finding, check: SpotCheck, rules: RuleBook) -> BanStart:
    rule_set = rules.get(check.rule_set)
    return BanStart(agency_id=finding.agency_id, finding_id=finding.id, batch=check.batch,
                    decided_at=finding.decided_at,
                    ends_at=ban_end(finding.decided_at, years=rule_set.agency.ban_years,
                                    zone=rule_set.zone),
                    reason=finding.description)


def _finding_out(finding: Finding, start: BanStart | None) -> AgencyFindingOut:
    out = AgencyFindingOut.model_validate(finding, from_attributes=True)
    out.ban_ends_at = start.ends_at if start else None
    return out


async def _start_ban(runtime: ServiceRuntime, start: BanStart) -> None:
    await start_unless_running(
        runtime.temporal, AgencyBanWorkflow.run, start,
        id=agency_ban_workflow_id(start.agency_id, start.finding_id),
        task_queue=runtime.queues.workflows,
    )
