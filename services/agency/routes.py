"""Agency's HTTP API: registry and qualification, relations and groups, engagements,
acceptance and reports, and the ministry's spot checks, findings and bans."""

from __future__ import annotations

import json
import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from services.agency import repository
from services.agency.deps import (
    AgencyDep,
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ReportFilesDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
)
from services.agency.evaluation import InvalidReport, assess
from services.agency.files import UnacceptableFile
from services.agency.models import Agency, Engagement, Finding, Report, SpotCheck
from services.agency.qualification import assess as qualify
from services.agency.schemas import (
    AcceptanceIn,
    AgencyOut,
    EngagementCreate,
    EngagementOut,
    FindingIn,
    FindingOut,
    GroupOut,
    PreparerIn,
    PreparerOut,
    QualificationOut,
    RelationIn,
    RelationOut,
    ReportOut,
    ReportSubmitted,
    SpotCheckIn,
    SpotCheckOut,
)
from services.agency.supervision import ban_end, draw
from shared.contracts.agency import AgencyRegistration, BanStart, EvaluationReport, Roster
from shared.contracts.application import AcceptEngagementCommand, ReportCommand, Stage
from shared.contracts.auth import Principal, Role
from shared.db import utcnow
from shared.http import LegacyApiError, not_found
from shared.rules import RuleSet, RuleSetError
from shared.rules.book import RuleBook
from shared.rules.model import Category
from shared.temporal import agency_ban_workflow_id, application_workflow_id, batch_workflow_id
from workflows.agency_ban.workflow import AgencyBanWorkflow
from workflows.application.workflow import ApplicationWorkflow
from workflows.batch.workflow import BatchWorkflow

router = APIRouter(prefix="/api/v1", tags=["agency"])


def _out(engagement: Engagement) -> EngagementOut:
    return EngagementOut.model_validate(engagement, from_attributes=True)


def can_see(principal: Principal, engagement: Engagement) -> bool:
    if principal.role in (Role.MINISTRY, Role.OPS):
        return True
    if principal.role == Role.AGENCY:
        return principal.scope == engagement.agency_id
    if principal.role == Role.APPLICANT:
        return principal.scope == engagement.applicant_credit_code
    return False


async def _visible(session: SessionDep, principal: Principal, engagement_id: str) -> Engagement:
    engagement = await repository.get_engagement(session, engagement_id=engagement_id)
    if engagement is None or not can_see(principal, engagement):
        raise not_found(f"engagement {engagement_id}")
    return engagement


def _require_self_or_ministry(principal: Principal, agency_id: str) -> None:
    if principal.role == Role.MINISTRY or (
        principal.role == Role.AGENCY and principal.scope == agency_id
    ):
        return
    raise LegacyApiError(403, "Forbidden", "only the agency itself or the ministry may do this",
                   message_zh="仅机构本身或工业和信息化部可以执行此操作")


async def _agency(session: SessionDep, agency_id: str) -> Agency:
    agency = await repository.get_agency(session, agency_id=agency_id)
    if agency is None:
        raise not_found(f"agency {agency_id}")
    return agency


def _today(rules: RuleSet) -> date:
    return utcnow().astimezone(rules.zone).date()


async def rule_set_of_batch(temporal: Client, rules: RuleBook, batch: str) -> RuleSet:
    """The rule set governing `batch`, as its workflow knows it; the batch code itself when
    the workflow cannot be asked (see `services.agency.rules`)."""
    code = batch
    try:
        view = await temporal.get_workflow_handle_for(
            BatchWorkflow.run, batch_workflow_id(batch)
        ).query(BatchWorkflow.view)
        code = view.rule_set
    except RPCError:
        pass
    try:
        return rules.get(code)
    except RuleSetError as err:
        raise LegacyApiError(422, "Invalid", f"no rule set for batch {batch}: {err}",
                       field="batch") from err


async def _agency_out(session: SessionDep, agency: Agency) -> AgencyOut:
    ban = await repository.active_ban(session, agency_id=agency.id)
    out = AgencyOut.model_validate(agency, from_attributes=True)
    out.banned_until = ban.ends_at if ban else None
    return out


# ----------------------------------------------------------------------------- registry


@router.post("/agencies", status_code=status.HTTP_201_CREATED, response_model=AgencyOut)
async def register_agency(
    body: AgencyRegistration, principal: PrincipalDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> AgencyOut:
    """Register an agency (the agency itself, whose token scope is its credit code, or the
    ministry). Its qualification is computed against the current rule set and stored."""
    if not (principal.role == Role.MINISTRY
            or (principal.role == Role.AGENCY and principal.scope == body.credit_code)):
        raise LegacyApiError(403, "Forbidden", "an agency registers itself under its own credit code",
                       field="credit_code")
    current = rules.current()
    qualification = qualify(body, current.agency, rule_set=current.code, on=_today(current))
    try:
        agency = await repository.add_agency(session, body=body, qualification=qualification)
        await session.commit()
    except IntegrityError as err:
        raise LegacyApiError(409, "Duplicate", f"agency {body.credit_code} is registered already",
                       field="credit_code") from err
    runtime.events_committed()
    return await _agency_out(session, agency)


@router.get("/agencies/{agency_id}", response_model=AgencyOut)
async def get_agency(agency_id: str, _: PrincipalDep, session: SessionDep) -> AgencyOut:
    """One registered agency, with its stored qualification and any ban in force."""
    return await _agency_out(session, await _agency(session, agency_id))


@router.put("/agencies/{agency_id}/roster", response_model=AgencyOut)
async def replace_roster(
    agency_id: str, body: Roster, principal: PrincipalDep, session: SessionDep,
    runtime: RuntimeDep, rules: RuleBookDep,
) -> AgencyOut:
    """Replace the staff roster (and the work record, when given); the qualification is
    recomputed and stored."""
    _require_self_or_ministry(principal, agency_id)
    agency = await _agency(session, agency_id)
    registration = repository.registration_of(agency).model_copy(
        update={"staff": body.staff} | ({"records": body.records} if body.records is not None
                                        else {}))
    current = rules.current()
    qualification = qualify(registration, current.agency, rule_set=current.code,
                            on=_today(current))
    await repository.replace_roster(session, agency=agency, roster=body,
                                    qualification=qualification)
    await session.commit()
    runtime.events_committed()
    return await _agency_out(session, agency)


@router.get("/agencies/{agency_id}/qualification", response_model=QualificationOut)
async def get_qualification(
    agency_id: str, _: PrincipalDep, session: SessionDep, rules: RuleBookDep,
    rule_set: Annotated[str | None, Query(max_length=32)] = None,
    on: date | None = None,
) -> QualificationOut:
    """Every condition met or not, and why, computed now (or as of `on`) against the current
    rule set (or `rule_set`)."""
    agency = await _agency(session, agency_id)
    try:
        chosen = rules.get(rule_set) if rule_set else rules.current()
    except RuleSetError as err:
        raise LegacyApiError(422, "Invalid", str(err), field="rule_set") from err
    result = qualify(repository.registration_of(agency), chosen.agency, rule_set=chosen.code,
                     on=on or _today(chosen))
    return QualificationOut(**result.model_dump(), stored=agency.qualification)


# ----------------------------------------------------------------------------- relations


@router.post("/agencies/{agency_id}/relations", status_code=status.HTTP_201_CREATED,
             response_model=RelationOut)
async def add_relation(
    agency_id: str, body: RelationIn, principal: PrincipalDep, session: SessionDep,
    runtime: RuntimeDep,
) -> RelationOut:
    """Declare a related enterprise or institution (the agency), or record one (the ministry).
    Relations form groups transitively; a group shares the cap."""
    _require_self_or_ministry(principal, agency_id)
    await _agency(session, agency_id)
    if body.related_code == agency_id:
        raise LegacyApiError(422, "Invalid", "an agency is not related to itself", field="related_code")
    try:
        relation = await repository.add_relation(
            session, agency_id=agency_id, related_code=body.related_code, kind=body.kind,
            declared_by="ministry" if principal.role == Role.MINISTRY else "agency",
            note=body.note)
        await session.commit()
    except IntegrityError as err:
        raise LegacyApiError(409, "Duplicate", f"{agency_id} and {body.related_code} are related "
                       "already", field="related_code") from err
    runtime.events_committed()
    return RelationOut.model_validate(relation, from_attributes=True)


@router.get("/agencies/{agency_id}/group", response_model=GroupOut)
async def get_group(
    agency_id: str, principal: PrincipalDep, session: SessionDep, rules: RuleBookDep,
    runtime: RuntimeDep, batch: Annotated[str | None, Query(max_length=32)] = None,
) -> GroupOut:
    """The agency's group and, for `batch`, the evaluation projects each member carries."""
    _require_self_or_ministry(principal, agency_id)
    await _agency(session, agency_id)
    group = await repository.group_of(session, code=agency_id)
    relations = await repository.list_relations(session, codes=set(group.codes))
    out = GroupOut(agency_id=agency_id, members=list(group.agencies),
                   entities=sorted(group.codes),
                   relations=[RelationOut.model_validate(r, from_attributes=True)
                              for r in relations])
    if batch:
        rule_set = await rule_set_of_batch(runtime.temporal, rules, batch)
        out.batch = batch
        out.projects = await repository.count_projects(
            session, agency_ids=group.agencies, batch=batch,
            categories=[c.value for c in rule_set.agency.counted_categories])
        out.total = sum(out.projects.values())
    return out


@router.post("/applications/{application_id}/self-evaluation-preparers",
             status_code=status.HTTP_201_CREATED, response_model=PreparerOut)
async def record_preparer(
    application_id: str, body: PreparerIn, ministry: MinistryDep, session: SessionDep,
) -> PreparerOut:
    """The ministry records who prepared an application's self-evaluation; that party and
    its group cannot evaluate the application."""
    await repository.add_preparer(session, application_id=application_id,
                                  preparer_code=body.credit_code, recorded_by=ministry.label())
    await session.commit()
    return PreparerOut(application_id=application_id, credit_code=body.credit_code)


# ----------------------------------------------------------------------------- engagements


@router.post("/engagements", status_code=status.HTTP_201_CREATED, response_model=EngagementOut)
async def entrust(
    body: EngagementCreate, applicant: ApplicantDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> EngagementOut:
    """The applicant entrusts a registered agency with the evaluation of its application,
    declaring independence and, when someone else prepared its self-evaluation, who."""
    if await repository.get_agency(session, agency_id=body.agency_id) is None:
        raise LegacyApiError(404, "NotFound", f"agency {body.agency_id} is not registered",
                       field="agency_id")
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(body.application_id)
    )
    # The case's workflow is the authority on its stage and its applicant.
    view = await handle.query(ApplicationWorkflow.view)
    if view.case.credit_code != applicant.scope:
        raise not_found(f"application {body.application_id}")
    if view.stage != Stage.EVALUATION:
        raise LegacyApiError(409, "WrongStage",
                       f"application {body.application_id} is in stage {view.stage.value}, "
                       "not awaiting third-party evaluation")
    rule_set = await rule_set_of_batch(runtime.temporal, rules, view.case.batch)
    engagement = await repository.add_engagement(
        session, case=view.case, agency_id=body.agency_id, rule_set=rule_set.code,
        independence=body.independence, prepared_by=body.self_evaluation_prepared_by)
    await session.commit()
    runtime.events_committed()
    return _out(engagement)


@router.get("/engagements", response_model=list[EngagementOut])
async def list_engagements(principal: PrincipalDep, session: SessionDep) -> list[EngagementOut]:
    """The caller's engagements: an agency's own, an applicant's own, all for the ministry."""
    if principal.role == Role.PROVINCE:
        raise LegacyApiError(403, "Forbidden", "authorities see applications in intake")
    rows = await repository.list_engagements(
        session,
        agency_id=principal.scope if principal.role == Role.AGENCY else None,
        applicant=principal.scope if principal.role == Role.APPLICANT else None,
    )
    return [_out(e) for e in rows]


@router.get("/engagements/{engagement_id}", response_model=EngagementOut)
async def get_engagement(
    engagement_id: str, principal: PrincipalDep, session: SessionDep
) -> EngagementOut:
    """One engagement, for its agency, its applicant, the ministry and ops; 404 otherwise."""
    return _out(await _visible(session, principal, engagement_id))


@router.post("/engagements/{engagement_id}/acceptance", response_model=EngagementOut)
async def accept(
    engagement_id: str, body: AcceptanceIn, agency: AgencyDep, session: SessionDep,
    runtime: RuntimeDep,
) -> EngagementOut:
    """The agency accepts (declaring independence; refused when unqualified, banned, not
    independent or over the group's cap) or declines."""
    engagement = await _visible(session, agency, engagement_id)
    if engagement.status != "requested":
        raise LegacyApiError(409, "Duplicate",
                       f"engagement {engagement_id} is {engagement.status} already")
    if not body.accept:
        await repository.decline(session, engagement=engagement, note=body.note)
        await session.commit()
        runtime.events_committed()
        return _out(engagement)
    if body.independence is None:
        raise LegacyApiError(422, "Invalid", "accepting needs the agency's declaration of independence",
                       field="independence", message_zh="接受委托须声明独立性")
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(engagement.application_id)
    )
    await handle.execute_update(
        ApplicationWorkflow.accept_engagement,
        AcceptEngagementCommand(actor=agency, engagement_id=engagement.id,
                                agency_id=engagement.agency_id, independence=body.independence),
    )
    await session.refresh(engagement)
    return _out(engagement)


@router.post("/engagements/{engagement_id}/report", response_model=ReportSubmitted)
async def submit_report(
    engagement_id: str,
    agency: AgencyDep,
    session: SessionDep,
    runtime: RuntimeDep,
    rules: RuleBookDep,
    files: ReportFilesDep,
    report: Annotated[str, Form(description="the structured report, JSON (EvaluationReport)")],
    file: Annotated[UploadFile, File(description="the signed report, PDF or OFD")],
) -> ReportSubmitted:
    """The agency submits its evaluation report (multipart: `report` JSON and the signed
    `file`). Pass/fail and score are computed from the rule set's tables; the case moves to
    the authority, or is rejected when the evaluation fails. Refused during a ban."""
    engagement = await _visible(session, agency, engagement_id)
    if engagement.status == "reported":
        # Checked here too: a failed evaluation ends the case, whose workflow then answers
        # no more updates.
        raise LegacyApiError(409, "Duplicate", f"engagement {engagement_id} is reported already",
                       message_zh="该委托的评价报告已提交")
    if (ban := await repository.active_ban(session, agency_id=engagement.agency_id)) is not None:
        raise LegacyApiError(403, "Banned", f"reports of agency {engagement.agency_id} are refused "
                       f"until {ban.ends_at.date()}", ends_at=ban.ends_at.isoformat(),
                       message_zh=f"机构评价报告在{ban.ends_at.date()}前不予受理")
    try:
        parsed = EvaluationReport.model_validate(json.loads(report))
    except json.JSONDecodeError as err:
        raise LegacyApiError(422, "Invalid", f"report is not JSON: {err}", field="report") from err
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in ("report", *first["loc"]))
        raise LegacyApiError(422, "Invalid", f"{where}: {first['msg']}", field=where) from err
    try:
        assessment = assess(rules.get(engagement.rule_set or engagement.batch),
                            Category(engagement.category), parsed)
    except InvalidReport as err:
        raise LegacyApiError(422, "Invalid", err.message, field=f"report.{err.field}") from err
    try:
        stored = await files.save(await file.read(), file.filename or "report")
    except UnacceptableFile as err:
        raise LegacyApiError(422, "Invalid", str(err), field="file") from err
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(engagement.application_id)
    )
    await handle.execute_update(
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
    await session.refresh(engagement)
    return ReportSubmitted(engagement=_out(engagement), assessment=assessment, file=stored)


@router.get("/reports", response_model=list[ReportOut])
async def list_reports(
    principal: PrincipalDep, session: SessionDep,
    batch: Annotated[str | None, Query(max_length=32)] = None, flagged: bool | None = None,
) -> list[ReportOut]:
    """Reports: an agency's own; all for the ministry (e.g. those flagged for review)."""
    if principal.role not in (Role.AGENCY, Role.MINISTRY, Role.OPS):
        raise LegacyApiError(403, "Forbidden", "reports are for their agency and the ministry")
    rows: list[Report] = list(await repository.list_reports(
        session, agency_id=principal.scope if principal.role == Role.AGENCY else None,
        batch=batch, flagged=flagged))
    return [ReportOut.model_validate(r, from_attributes=True) for r in rows]


# ----------------------------------------------------------------------------- supervision


async def _spot_check_out(session: SessionDep, check: SpotCheck) -> SpotCheckOut:
    findings = await repository.findings_of(session, spot_check_id=check.id)
    out = SpotCheckOut.model_validate(check, from_attributes=True)
    out.findings = [FindingOut.model_validate(f, from_attributes=True) for f in findings]
    return out


@router.post("/spot-checks", status_code=status.HTTP_201_CREATED, response_model=SpotCheckOut)
async def draw_spot_check(
    body: SpotCheckIn, ministry: MinistryDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> SpotCheckOut:
    """Draw a reproducible sample of agencies (size from the rule set) and record the draw:
    seed, population and sample, with the sampled agencies' reports of the batch."""
    rule_set = await rule_set_of_batch(runtime.temporal, rules, body.batch)
    population = await repository.agency_ids(session)
    seed = body.seed if body.seed is not None else secrets.randbits(63)
    sample = draw(population, seed=seed,
                  size=rule_set.spot_check.agency_sample_size(len(population)))
    check = await repository.add_spot_check(
        session, batch=body.batch, rule_set=rule_set.code, seed=seed, population=population,
        sample=sample, drawn_by=ministry.label())
    await session.commit()
    runtime.events_committed()
    return await _spot_check_out(session, check)


@router.get("/spot-checks/{spot_check_id}", response_model=SpotCheckOut)
async def get_spot_check(spot_check_id: str, _: MinistryDep, session: SessionDep) -> SpotCheckOut:
    check = await repository.get_spot_check(session, spot_check_id=spot_check_id)
    if check is None:
        raise not_found(f"spot check {spot_check_id}")
    return await _spot_check_out(session, check)


@router.post("/spot-checks/{spot_check_id}/findings", status_code=status.HTTP_201_CREATED,
             response_model=FindingOut)
async def add_finding(
    spot_check_id: str, body: FindingIn, ministry: MinistryDep, session: SessionDep,
    runtime: RuntimeDep, rules: RuleBookDep,
) -> FindingOut:
    """Record a finding on a sampled agency. A serious one sanctions it: its ban workflow
    starts (reports refused for the rule set's ban years, the batch's reports flagged)."""
    check = await repository.get_spot_check(session, spot_check_id=spot_check_id)
    if check is None:
        raise not_found(f"spot check {spot_check_id}")
    if body.agency_id not in check.sample:
        raise LegacyApiError(422, "Invalid", f"agency {body.agency_id} is not in this spot check's "
                       "sample", field="agency_id")
    foreign = sorted(set(body.report_ids) - set(await repository.list_reports_of(
        session, agency_ids=[body.agency_id], batch=check.batch)))
    if foreign:
        raise LegacyApiError(422, "Invalid", f"reports {foreign} are not reports of agency "
                       f"{body.agency_id} in batch {check.batch}", field="report_ids")
    finding: Finding = await repository.add_finding(
        session, check=check, agency_id=body.agency_id, severity=body.severity,
        description=body.description, report_ids=body.report_ids, decided_by=ministry.label(),
        decided_at=utcnow())
    start = _ban_start(finding, check, rules) if body.severity == "serious" else None
    if start is not None:
        finding.ban_workflow_id = agency_ban_workflow_id(start.agency_id, start.finding_id)
    await session.commit()
    if start is not None:
        # After the commit: the finding is the record of the decision. Should Temporal be
        # away now, PUT /findings/{id}/ban starts the same ban (the id derives from it).
        await _start_ban(runtime.temporal, runtime.queues.workflows, start)
    return _finding_out(finding, start)


@router.put("/findings/{finding_id}/ban", response_model=FindingOut)
async def start_ban(
    finding_id: str, _: MinistryDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> FindingOut:
    """(Re)start the ban of a serious finding; idempotent: the ban already running stays."""
    finding = await repository.get_finding(session, finding_id=finding_id)
    if finding is None:
        raise not_found(f"finding {finding_id}")
    if finding.severity != "serious":
        raise LegacyApiError(409, "WrongStage", f"finding {finding_id} is {finding.severity}; only a "
                       "serious finding sanctions the agency")
    check = await repository.get_spot_check(session, spot_check_id=finding.spot_check_id)
    assert check is not None  # a foreign key
    start = _ban_start(finding, check, rules)
    await _start_ban(runtime.temporal, runtime.queues.workflows, start)
    return _finding_out(finding, start)


def _ban_start(finding: Finding, check: SpotCheck, rules: RuleBook) -> BanStart:
    rule_set = rules.get(check.rule_set)
    return BanStart(agency_id=finding.agency_id, finding_id=finding.id, batch=check.batch,
                    decided_at=finding.decided_at,
                    ends_at=ban_end(finding.decided_at, years=rule_set.agency.ban_years,
                                    zone=rule_set.zone),
                    reason=finding.description)


def _finding_out(finding: Finding, start: BanStart | None) -> FindingOut:
    out = FindingOut.model_validate(finding, from_attributes=True)
    out.ban_ends_at = start.ends_at if start else None
    return out


async def _start_ban(temporal: Client, task_queue: str, start: BanStart) -> None:
    try:
        await temporal.start_workflow(
            AgencyBanWorkflow.run, start,
            id=agency_ban_workflow_id(start.agency_id, start.finding_id),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        pass
