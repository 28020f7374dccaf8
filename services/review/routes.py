"""Review's HTTP API: ministry decisions, publication, the public list, the ops view."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import (
    ScheduleActionStartWorkflow,
    ScheduleHandle,
    WorkflowExecutionStatus,
    WorkflowHandle,
)
from temporalio.service import RPCError

from services.review import repository
from services.review.deps import (
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuntimeDep,
    SessionDep,
    StaffDep,
    TemplatesDep,
)
from services.review.exports import table, to_csv, to_xlsx
from services.review.legacy import CsvShapeError, parse_legacy_csv
from services.review.models import ListedUnit, YearlyReport
from services.review.schemas import (
    CaseStageOut,
    DecisionIn,
    FindingIn,
    FindingOut,
    HistoryItemOut,
    InformationRequestIn,
    ListedUnitOut,
    ObjectionIn,
    ObjectionResolutionIn,
    OpsCaseOut,
    PendingActivityOut,
    ProposedUnitOut,
    PublicList,
    RemovalIn,
    ReReviewOut,
    ReReviewReportIn,
    ScheduleOut,
    SpotCheckIn,
    SpotCheckOut,
    YearlyReportIn,
)
from shared.chinatime import CHINA
from shared.contracts.application import CaseView, DecisionCommand, InformationRequest, Stage
from shared.contracts.batch import (
    BatchView,
    ObjectionNotice,
    ObjectionOut,
    PublicityCommand,
    PublishCommand,
)
from shared.contracts.listing import (
    LegacyImportResult,
    ListingView,
    Removal,
    ReReviewReport,
    ReReviewView,
    YearlyReportOut,
)
from shared.http import LegacyApiError, not_found
from shared.rules import RuleSet, RuleSetError
from shared.rules.model import Category
from shared.temporal import (
    application_workflow_id,
    batch_workflow_id,
    listing_workflow_id,
    rereview_schedule_id,
)
from workflows.application.workflow import ApplicationWorkflow
from workflows.batch.workflow import BatchWorkflow
from workflows.listing.workflow import ListingWorkflow
from workflows.rereview.schedule import ensure_rereview_schedule, start_listings
from workflows.rereview.workflow import ReReviewWorkflow

router = APIRouter(prefix="/api/v1", tags=["review"])


def _case_out(application_id: str, view: CaseView) -> CaseStageOut:
    return CaseStageOut(
        application_id=application_id, batch=view.case.batch, category=view.case.category.value,
        region=view.case.region, applicant_name=view.case.applicant_name,
        credit_code=view.case.credit_code, stage=view.stage.value, seq=view.seq,
        updated_at=view.history[-1].at,
    )

pages = APIRouter(tags=["pages"])
Lang = Annotated[Literal["zh", "en"], Query(description="zh (default) or en")]


class ListFilter:
    """The public list's filters, shared by the page, the JSON and the exports."""

    def __init__(
        self, batch: str | None = None, category: Category | None = None, region: str | None = None,
        q: Annotated[str | None, Query(description="part of the name, or the credit code")] = None,
    ) -> None:
        self.batch, self.category, self.region, self.q = batch, category, region, q

    def query(self) -> str:
        return urlencode({k: v for k, v in (
            ("batch", self.batch), ("category", self.category.value if self.category else None),
            ("region", self.region), ("q", self.q),
        ) if v})

    async def fetch(
        self, session: AsyncSession, limit: int | None = None, offset: int = 0
    ) -> tuple[int, list[ListedUnitOut]]:
        total, rows = await self.rows(session, limit=limit, offset=offset)
        reports = await repository.latest_reports(
            session, application_ids=[r.application_id for r in rows]
        )
        return total, [_unit_out(r, reports.get(r.application_id)) for r in rows]

    async def rows(
        self, session: AsyncSession, limit: int | None = None, offset: int = 0
    ) -> tuple[int, Sequence[ListedUnit]]:
        return await repository.public_list(
            session, batch=self.batch, category=self.category.value if self.category else None,
            region=self.region, q=self.q, limit=limit, offset=offset,
        )


FilterDep = Annotated[ListFilter, Depends()]


@router.post("/applications/{application_id}/decision", response_model=CaseStageOut)
async def decide(
    application_id: str, body: DecisionIn, ministry: MinistryDep, _session: SessionDep,
    runtime: RuntimeDep,
) -> CaseStageOut:
    """The ministry approves or rejects (with a reason) a recommended application."""
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(application_id)
    )
    view = await handle.execute_update(
        ApplicationWorkflow.decide,
        DecisionCommand(actor=ministry, decision=body.decision, reason=body.reason),
    )
    return _case_out(application_id, view)


@router.get("/applications", response_model=list[CaseStageOut])
async def list_cases(
    _: StaffDep, session: SessionDep, batch: str | None = None, stage: Stage | None = None,
    region: str | None = None,
) -> list[CaseStageOut]:
    """The read model of cases (ministry, ops): filter by batch, stage, region."""
    rows = await repository.list_cases(
        session, batch=batch, stage=stage.value if stage else None, region=region
    )
    return [CaseStageOut.model_validate(r, from_attributes=True) for r in rows]


@router.post("/batches/{batch}/publication", response_model=BatchView)
async def publish(batch: str, ministry: MinistryDep, runtime: RuntimeDep) -> BatchView:
    """Publish the batch's list: every approved application becomes a listed unit."""
    handle = runtime.temporal.get_workflow_handle_for(BatchWorkflow.run, batch_workflow_id(batch))
    return await handle.execute_update(BatchWorkflow.publish, PublishCommand(actor=ministry))


@router.get("/public/list", response_model=PublicList)
async def public_list(
    filters: FilterDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PublicList:
    """The published Green Manufacturing List (no token needed)."""
    total, items = await filters.fetch(session, limit=limit, offset=offset)
    return PublicList(total=total, items=items)


@router.get("/ops/applications/{application_id}", response_model=OpsCaseOut)
async def ops_case(
    application_id: str, _: StaffDep, session: SessionDep, runtime: RuntimeDep
) -> OpsCaseOut:
    """Where a case stands and why: read model, history, workflow status, stuck activities."""
    workflow_id = application_workflow_id(application_id)
    row = await repository.get_case(session, application_id=application_id)
    history = await repository.case_history(session, application_id=application_id)
    out = OpsCaseOut(
        application_id=application_id,
        workflow_id=workflow_id,
        read_model=CaseStageOut.model_validate(row, from_attributes=True) if row else None,
        history=[HistoryItemOut.model_validate(h, from_attributes=True) for h in history],
    )
    handle = runtime.temporal.get_workflow_handle_for(ApplicationWorkflow.run, workflow_id)
    try:
        desc = await handle.describe()
    except RPCError:
        if row is None:
            raise not_found(f"application {application_id}") from None
        out.problems.append("no workflow found for this application")
        return out
    out.workflow_status = desc.status.name if desc.status else None
    for pending in desc.raw_description.pending_activities:
        failure = pending.last_failure.message if pending.HasField("last_failure") else None
        out.pending_activities.append(
            PendingActivityOut(
                activity_type=pending.activity_type.name, attempt=pending.attempt,
                state=str(pending.state), last_failure=failure,
            )
        )
        out.problems.append(
            f"activity {pending.activity_type.name} is on attempt {pending.attempt}"
            + (f": {failure}" if failure else "")
        )
    if desc.status == WorkflowExecutionStatus.RUNNING:
        try:
            out.live = await handle.query(ApplicationWorkflow.view)
        except RPCError as err:
            out.problems.append(f"the workflow does not answer queries: {err.message}")
    if out.live and out.read_model and out.live.seq != out.read_model.seq:
        out.problems.append(
            f"read model at step {out.read_model.seq}, workflow at step {out.live.seq}: "
            "events are still on their way (check the outbox relays and the consumers' queues)"
        )
    return out


# ----------------------------------------------------------------------------- listed units


def _unit_out(unit: ListedUnit, report: YearlyReport | None = None) -> ListedUnitOut:
    out = ListedUnitOut.model_validate(unit, from_attributes=True)
    if report is not None:
        out.yearly_report = YearlyReportOut.model_validate(report, from_attributes=True)
    return out


@router.get("/listed-units/{application_id}", response_model=ListedUnitOut)
async def get_listed_unit(application_id: str, session: SessionDep) -> ListedUnitOut:
    """One unit of a published list, with its latest yearly report (no token needed)."""
    unit = await repository.get_listed_unit(session, application_id=application_id)
    if unit is None:
        raise not_found(f"listed unit {application_id}")
    reports = await repository.latest_reports(session, application_ids=[application_id])
    return _unit_out(unit, reports.get(application_id))


@router.post("/listed-units/{application_id}/removal", response_model=ListingView)
async def remove_unit(
    application_id: str, body: RemovalIn, ministry: MinistryDep, runtime: RuntimeDep
) -> ListingView:
    """The ministry removes a unit that no longer qualifies, with the notice's reasons."""
    handle = runtime.temporal.get_workflow_handle_for(
        ListingWorkflow.run, listing_workflow_id(application_id)
    )
    return await handle.execute_update(
        ListingWorkflow.remove, Removal(actor=ministry, reasons=body.reasons, note=body.note)
    )


@router.post(
    "/listed-units/{application_id}/yearly-reports", status_code=201, response_model=YearlyReportOut
)
async def submit_yearly_report(
    application_id: str, body: YearlyReportIn, applicant: ApplicantDep, session: SessionDep,
    runtime: RuntimeDep,
) -> YearlyReportOut:
    """A listed unit publishes its yearly green and low-carbon development report (a link)."""
    unit = await repository.get_listed_unit(session, application_id=application_id)
    if unit is None or unit.credit_code != applicant.scope:
        raise not_found(f"listed unit {application_id}")
    if unit.status == "removed":
        raise LegacyApiError(409, "WrongStage", f"{unit.name} is no longer on the list")
    try:
        report = await repository.add_yearly_report(
            session, application_id=application_id, year=body.year, url=body.url,
            summary=body.summary,
        )
        await session.commit()
    except IntegrityError as err:
        raise LegacyApiError(
            409, "Duplicate", f"the report for {body.year} is in already", field="year"
        ) from err
    runtime.events_committed()
    handle = runtime.temporal.get_workflow_handle_for(
        ListingWorkflow.run, listing_workflow_id(application_id)
    )
    await handle.signal(ListingWorkflow.report_submitted, body.year)
    return YearlyReportOut.model_validate(report, from_attributes=True)


# ----------------------------------------------------------------------------- triennial review


@router.get("/rereviews", response_model=list[ReReviewOut])
async def list_rereviews(
    _: PrincipalDep, session: SessionDep, batch: str | None = None
) -> list[ReReviewOut]:
    """Triennial reviews, oldest first."""
    return [
        ReReviewOut.model_validate(r, from_attributes=True)
        for r in await repository.list_rereviews(session, batch=batch)
    ]


@router.get("/rereviews/{review_id}", response_model=ReReviewView)
async def get_rereview(review_id: str, _: PrincipalDep, runtime: RuntimeDep) -> ReReviewView:
    """Where a review stands: authorities pending and reported, units to remove."""
    handle = runtime.temporal.get_workflow_handle_for(ReReviewWorkflow.run, review_id)
    return await handle.query(ReReviewWorkflow.view)


@router.post("/rereviews/{review_id}/report", response_model=ReReviewView)
async def report_rereview(
    review_id: str, body: ReReviewReportIn, province: ProvinceDep, runtime: RuntimeDep
) -> ReReviewView:
    """An authority reports its on-site check of each of its listed units (retained / removed)."""
    handle = runtime.temporal.get_workflow_handle_for(ReReviewWorkflow.run, review_id)
    return await handle.execute_update(
        ReReviewWorkflow.report, ReReviewReport(actor=province, results=body.results)
    )


@router.get("/ops/schedules/{batch}", response_model=ScheduleOut)
async def describe_schedule(batch: str, _: StaffDep, runtime: RuntimeDep) -> ScheduleOut:
    """The batch's triennial-review Schedule: its next runs (China time) and whether paused."""
    return await _schedule_out(runtime.temporal.get_schedule_handle(rereview_schedule_id(batch)))


@router.post("/ops/schedules/{batch}/{action}", response_model=ScheduleOut)
async def act_on_schedule(
    batch: str, action: str, ops: StaffDep, runtime: RuntimeDep
) -> ScheduleOut:
    """Pause, unpause or trigger (start a review now) the batch's Schedule."""
    handle = runtime.temporal.get_schedule_handle(rereview_schedule_id(batch))
    if action == "pause":
        await handle.pause(note=f"paused by {ops.label()}")
    elif action == "unpause":
        await handle.unpause(note=f"unpaused by {ops.label()}")
    elif action == "trigger":
        await handle.trigger()
    else:
        raise LegacyApiError(
            422, "Invalid", f"unknown action {action!r}: pause, unpause or trigger", field="action"
        )
    return await _schedule_out(handle)


async def _schedule_out(handle: ScheduleHandle) -> ScheduleOut:
    desc = await handle.describe()
    action = desc.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    return ScheduleOut(
        id=desc.id, paused=desc.schedule.state.paused, note=desc.schedule.state.note,
        time_zone=desc.schedule.spec.time_zone_name,
        next_action_times=list(desc.info.next_action_times),
        recent_actions=[a.scheduled_at for a in desc.info.recent_actions],
        workflow_type=action.workflow, workflow_id=action.id,
    )


# ----------------------------------------------------------------------------- legacy lists


@router.post("/legacy-lists", response_model=LegacyImportResult)
async def import_legacy_list(
    _: MinistryDep, session: SessionDep, runtime: RuntimeDep,
    file: Annotated[
        UploadFile,
        File(description="CSV: batch, category, region, name, credit_code, published_on"),
    ],
    rule_set: Annotated[str, Form(description="rule set whose review cycle applies")] = "2020-5",
) -> LegacyImportResult:
    """Import an already published list (idempotent); bad rows come back with their reasons."""
    try:
        cycle = runtime.rules.get(rule_set).review_cycle_years
        parsed = parse_legacy_csv(await file.read())
    except (CsvShapeError, RuleSetError) as err:
        raise LegacyApiError(
            422, "Invalid", str(err),
            field="rule_set" if isinstance(err, RuleSetError) else "file",
        ) from err
    added, present = await repository.import_legacy_units(session, rows=parsed.rows)
    await session.commit()
    runtime.events_committed()
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


# ----------------------------------------------------------------------------- spot checks


async def _rules_of(runtime: RuntimeDep, batch: str | None) -> RuleSet:
    """The rule set of a batch run by the platform (its workflow knows it); the newest batch
    rule set for legacy batches and for a draw over every batch."""
    book = runtime.rules
    if batch:
        try:
            return book.get((await _batch(runtime, batch).query(BatchWorkflow.view)).rule_set)
        except RPCError:
            pass  # a legacy batch: no workflow
    return book.current()


@router.post("/spot-checks/listed-units", status_code=201, response_model=SpotCheckOut)
async def draw_spot_check(body: SpotCheckIn, ministry: MinistryDep, session: SessionDep,
                          runtime: RuntimeDep) -> SpotCheckOut:
    """Draw a reproducible sample of listed units for a third-party spot check; the draw is kept."""
    rules = await _rules_of(runtime, body.batch)
    seed = body.seed if body.seed is not None else secrets.randbelow(2**31)
    check = await repository.draw_spot_check(
        session, batch=body.batch, seed=seed, sample_size=rules.spot_check.listed_unit_sample_size,
        actor=ministry.label(),
    )
    await session.commit()
    runtime.events_committed()
    return SpotCheckOut.model_validate(check, from_attributes=True)


@router.post(
    "/spot-checks/listed-units/{spot_check_id}/findings", status_code=201, response_model=FindingOut
)
async def record_finding(
    spot_check_id: str, body: FindingIn, ministry: MinistryDep, session: SessionDep,
    runtime: RuntimeDep,
) -> FindingOut:
    """Record a finding on a sampled unit; one that no longer qualifies is removed."""
    check = await repository.get_spot_check(session, spot_check_id=spot_check_id)
    if check is None:
        raise not_found(f"spot check {spot_check_id}")
    if body.application_id not in check.sample:
        raise LegacyApiError(422, "Invalid", f"{body.application_id} is not in this spot check's sample",
                       field="application_id")
    if not body.qualifies and not body.reasons:
        raise LegacyApiError(
            422, "Invalid", "a unit that no longer qualifies needs the reasons", field="reasons"
        )
    finding = await repository.add_finding(
        session, spot_check_id=spot_check_id, application_id=body.application_id,
        qualifies=body.qualifies,
        finding=body.finding, reasons=[r.value for r in body.reasons], actor=ministry.label(),
    )
    await session.commit()
    out = FindingOut.model_validate(finding, from_attributes=True)
    if not body.qualifies:
        handle = runtime.temporal.get_workflow_handle_for(
            ListingWorkflow.run, listing_workflow_id(body.application_id)
        )
        view = await handle.execute_update(
            ListingWorkflow.remove,
            Removal(actor=ministry, reasons=body.reasons, note=body.finding, source="spot_check",
                    reference=spot_check_id),
        )
        out.removal_status = view.status
    return out


# ------------------------------------------------------------------ public pages and exports


@pages.get("/public", response_class=HTMLResponse, summary="the public list, as a page")
async def public_page(
    filters: FilterDep, session: SessionDep, templates: TemplatesDep, lang: Lang = "zh"
) -> str:
    total, items = await filters.fetch(session, limit=1000)
    return templates.get_template("public_list.html").render(
        lang=lang, items=items, total=total, batch=filters.batch, region=filters.region,
        q=filters.q,
        category=filters.category.value if filters.category else None,
        categories=[c.value for c in Category], query=filters.query(), china=CHINA,
    )


@router.get("/public/list.csv", summary="the public list as CSV (UTF-8, opens in Excel)")
async def public_csv(filters: FilterDep, session: SessionDep, lang: Lang = "zh") -> Response:
    _, rows = await filters.rows(session)
    return Response(to_csv(table(rows, lang)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="green-list.csv"'})


@router.get("/public/list.xlsx", summary="the public list as XLSX")
async def public_xlsx(filters: FilterDep, session: SessionDep, lang: Lang = "zh") -> Response:
    _, rows = await filters.rows(session)
    return Response(
        to_xlsx(table(rows, lang), "绿色制造名单" if lang == "zh" else "Green list"),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="green-list.xlsx"'},
    )


@pages.get(
    "/public/announcements/{batch}",
    response_class=HTMLResponse,
    summary="the publication announcement",
)
async def announcement(
    batch: str, session: SessionDep, templates: TemplatesDep, lang: Lang = "zh"
) -> str:
    total, rows = await repository.public_list(
        session, batch=batch, category=None, region=None, q=None, limit=None
    )
    if not total:
        raise not_found(f"published list of batch {batch}")
    sections = [(c.value, [r for r in rows if r.category == c.value]) for c in Category]
    published = min(r.published_at for r in rows).astimezone(CHINA)
    return templates.get_template("announcement.html").render(
        lang=lang, batch=batch, total=total, sections=[s for s in sections if s[1]],
        title=(f"关于公布{batch}批绿色制造名单的通告" if lang == "zh"
               else f"Announcement of the Green Manufacturing List, batch {batch}"),
        published=(
            published.strftime("%Y年%m月%d日") if lang == "zh" else published.strftime("%d %B %Y")
        ),
    )


# ----------------------------------------------------------- ministry review: more information


@router.post("/applications/{application_id}/information-request", response_model=CaseStageOut)
async def request_information(
    application_id: str, body: InformationRequestIn, ministry: MinistryDep, runtime: RuntimeDep
) -> CaseStageOut:
    """Send a recommended application back to its authority for more information, due by a date."""
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(application_id)
    )
    view = await handle.execute_update(
        ApplicationWorkflow.request_information,
        InformationRequest(actor=ministry, question=body.question, due=body.due),
    )
    return _case_out(application_id, view)


# ------------------------------------------------------------------ publicity and objections


def _batch(runtime: RuntimeDep, batch: str) -> WorkflowHandle[BatchWorkflow, BatchView]:
    return runtime.temporal.get_workflow_handle_for(BatchWorkflow.run, batch_workflow_id(batch))


@router.post("/batches/{batch}/publicity", response_model=BatchView)
async def start_publicity(batch: str, ministry: MinistryDep, runtime: RuntimeDep) -> BatchView:
    """Make the proposed list public (公示) for the rule set's number of days."""
    return await _batch(runtime, batch).execute_update(
        BatchWorkflow.start_publicity, PublicityCommand(actor=ministry)
    )


@router.get("/batches/{batch}/proposed-list", response_model=list[ProposedUnitOut])
async def proposed_list(batch: str, session: SessionDep) -> list[ProposedUnitOut]:
    """The approved units proposed for the list (public during publicity; no token needed)."""
    if await repository.get_publicity(session, batch=batch) is None:
        raise not_found(f"publicity of batch {batch}")
    return [
        ProposedUnitOut(
            application_id=d.application_id, category=d.case["category"],
            region=d.case["region"], name=d.case["applicant_name"],
            credit_code=d.case["credit_code"],
        )
        for d in await repository.proposed_list(session, batch=batch)
    ]


@router.post("/batches/{batch}/objections", status_code=201, response_model=ObjectionOut)
async def lodge_objection(
    batch: str, body: ObjectionIn, session: SessionDep, runtime: RuntimeDep
) -> ObjectionOut:
    """Anyone may object to a proposed unit while the publicity period runs (no token needed)."""
    view = await _batch(runtime, batch).query(BatchWorkflow.view)
    if view.stage != "publicity":
        raise LegacyApiError(
            409, "WrongStage", f"batch {batch} is not in its publicity period ({view.stage})",
            message_zh=f"批次{batch}不在公示期内",
        )
    if body.application_id not in {
        d.application_id for d in await repository.proposed_list(session, batch=batch)
    }:
        raise LegacyApiError(
            422, "Invalid", f"{body.application_id} is not on the proposed list",
            field="application_id",
        )
    objection = await repository.add_objection(
        session, batch=batch, application_id=body.application_id, lodged_by=body.lodged_by,
        contact=body.contact, grounds=body.grounds,
    )
    await session.commit()
    runtime.events_committed()
    await _batch(runtime, batch).signal(
        BatchWorkflow.objection,
        ObjectionNotice(objection_id=objection.id, application_id=objection.application_id),
    )
    return ObjectionOut.model_validate(objection, from_attributes=True)


@router.get("/batches/{batch}/objections", response_model=list[ObjectionOut])
async def list_objections(batch: str, _: StaffDep, session: SessionDep) -> list[ObjectionOut]:
    """Objections to a batch's proposed list (ministry, ops)."""
    return [
        ObjectionOut.model_validate(o, from_attributes=True)
        for o in await repository.list_objections(session, batch=batch)
    ]


@router.post("/objections/{objection_id}/resolution", response_model=ObjectionOut)
async def resolve_objection(
    objection_id: int, body: ObjectionResolutionIn, ministry: MinistryDep, session: SessionDep,
    runtime: RuntimeDep,
) -> ObjectionOut:
    """The ministry upholds (the unit stays off the list) or dismisses an objection."""
    objection = await repository.get_objection(session, objection_id=objection_id)
    if objection is None:
        raise not_found(f"objection {objection_id}")
    if objection.status != "open":
        raise LegacyApiError(409, "Duplicate", f"objection {objection_id} was {objection.status} already")
    await repository.resolve_objection(
        session, objection=objection, upheld=body.upheld, resolution=body.resolution,
        actor=ministry.label(),
    )
    await session.commit()
    runtime.events_committed()
    await _batch(runtime, objection.batch).signal(
        BatchWorkflow.objection,
        ObjectionNotice(
            objection_id=objection.id, application_id=objection.application_id, resolved=True,
            upheld=body.upheld,
        ),
    )
    return ObjectionOut.model_validate(objection, from_attributes=True)
