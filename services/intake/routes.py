"""Intake's HTTP API: rule sets, authorities, batches, applications, attachments,
submission and eligibility, exclusion lists, recommendation, packages and summary tables."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, Query, UploadFile, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import IntegrityError
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from services.intake import exclusions, filetypes, repository, summary
from services.intake.deps import (
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    StorageDep,
    TemplatesDep,
)
from services.intake.eligibility import rule_problems
from services.intake.models import Application, Attachment, Batch, ExclusionUpload
from services.intake.schemas import (
    ApplicationDraft,
    ApplicationOut,
    AttachmentKind,
    AttachmentOut,
    BatchCreate,
    BatchOut,
    DeadlineIn,
    ExclusionUploadOut,
    InformationIn,
    RecommendationIn,
    RuleSetOut,
    SubmitIn,
)
from shared.contracts.application import (
    CaseView,
    EligibilityResult,
    ExclusionKind,
    InformationAnswer,
    RecommendationCommand,
    Stage,
    SubmitCommand,
)
from shared.contracts.auth import Principal, Role
from shared.contracts.batch import (
    BatchStart,
    BatchView,
    ExtendCommand,
    PackageCommand,
    PackageSubmitted,
    ReminderSpec,
)
from shared.db import utcnow
from shared.errors import ErrorCode
from shared.http import LegacyApiError, not_found
from shared.regions import AUTHORITIES, Authority
from shared.rules import RuleSet, RuleSetError
from shared.rules.model import Category
from shared.temporal import TaskQueues, application_workflow_id, batch_workflow_id
from workflows.application.workflow import ApplicationWorkflow
from workflows.batch.workflow import BatchWorkflow

router = APIRouter(prefix="/api/v1", tags=["intake"])


def _out(app: Application, stage: Stage | None = None) -> ApplicationOut:
    return ApplicationOut(
        id=app.id,
        batch=app.batch,
        category=Category(app.category),
        region=app.region,
        applicant_name=app.applicant_name,
        credit_code=app.credit_code,
        details=app.details,
        stage=stage or Stage(app.stage),
        workflow_id=application_workflow_id(app.id),
        created_at=app.created_at,
        updated_at=app.updated_at,
    )


def can_see(principal: Principal, app: Application) -> bool:
    """Who may see an application; others get 404 so existence does not leak."""
    if principal.role in (Role.MINISTRY, Role.OPS):
        return True
    if principal.role == Role.APPLICANT:
        return principal.scope == app.credit_code
    if principal.role == Role.PROVINCE:
        return principal.scope == app.region
    return False


async def _visible(session: SessionDep, principal: Principal, application_id: str) -> Application:
    app = await repository.get_application(session, application_id=application_id)
    if app is None or not can_see(principal, app):
        raise not_found(f"application {application_id}")
    return app


async def ensure_workflow(
    client: Client, queues: TaskQueues, app: Application, needs_evaluation: bool
) -> WorkflowHandle[ApplicationWorkflow, CaseView]:
    """Start the case's workflow unless it runs already; a draft whose start was lost
    (Temporal away when it was created) gets its workflow at the next call."""
    try:
        return await client.start_workflow(
            ApplicationWorkflow.run,
            repository.case_of(app, needs_evaluation),
            id=application_workflow_id(app.id),
            task_queue=queues.workflows,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle_for(
            ApplicationWorkflow.run, application_workflow_id(app.id)
        )


@router.post("/batches", status_code=status.HTTP_201_CREATED, response_model=BatchOut)
async def create_batch(
    body: BatchCreate, _: MinistryDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep,
) -> BatchOut:
    """Open a batch under a rule set (ministry)."""
    try:
        rule_set = rules.get(body.rule_set)
    except RuleSetError as err:
        raise LegacyApiError(422, "Invalid", str(err), message_zh=f"规则集“{body.rule_set}”不存在或无效",
                       field="rule_set") from err
    batch = await repository.add_batch(
        session, code=body.code, rule_set=body.rule_set, title=body.title or rule_set.title_en,
        deadline=rule_set.submission_deadline,
    )
    try:
        await session.commit()
        runtime.events_committed()
    except IntegrityError as err:
        raise LegacyApiError(409, "Duplicate", f"batch {body.code} exists already",
                       message_zh=f"批次{body.code}已存在", field="code") from err
    try:
        await runtime.temporal.start_workflow(
            BatchWorkflow.run,
            BatchStart(
                code=batch.code, rule_set=batch.rule_set, title=batch.title,
                deadline=rule_set.submission_deadline,
                reminders=[
                    ReminderSpec(amount=r.amount, unit=r.unit) for r in rule_set.reminder_offsets
                ],
                publicity_days=rule_set.publicity_days,
            ),
            id=batch_workflow_id(batch.code),
            task_queue=runtime.queues.workflows,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        pass
    return _batch_out(batch, rule_set)


def _batch_out(batch: Batch, rule_set: RuleSet) -> BatchOut:
    return BatchOut(
        code=batch.code, rule_set=batch.rule_set, title=batch.title, created_at=batch.created_at,
        deadline=rule_set.submission_deadline_local,
    )


@router.get("/batches", response_model=list[BatchOut])
async def list_batches(_: PrincipalDep, session: SessionDep, rules: RuleBookDep) -> list[BatchOut]:
    """Every batch, oldest first."""
    return [_batch_out(b, rules.get(b.rule_set)) for b in await repository.list_batches(session)]


@router.get("/batches/{code}", response_model=BatchOut)
async def get_batch(
    code: str, _: PrincipalDep, session: SessionDep, rules: RuleBookDep
) -> BatchOut:
    """One batch."""
    batch = await repository.get_batch(session, code=code)
    if batch is None:
        raise not_found(f"batch {code}")
    return _batch_out(batch, rules.get(batch.rule_set))


@router.get("/rule-sets", response_model=list[RuleSetOut])
async def list_rule_sets(rules: RuleBookDep) -> list[RuleSetOut]:
    """The rule sets batches can be opened under (public)."""
    return [_rule_set_out(rules.get(code)) for code in rules.codes()]


@router.get("/rule-sets/{code}")
async def get_rule_set(code: str, rules: RuleBookDep) -> dict[str, Any]:
    """One rule set in full (public): quotas, lists, energy values, scoring tables."""
    try:
        rule_set = rules.get(code)
    except RuleSetError as err:
        raise not_found(f"rule set {code}") from err
    return rule_set.model_dump(mode="json")


def _rule_set_out(rule_set: RuleSet) -> RuleSetOut:
    return RuleSetOut(
        code=rule_set.code, title_zh=rule_set.title_zh, title_en=rule_set.title_en,
        categories=list(rule_set.categories),
        submission_deadline=rule_set.submission_deadline_local, timezone=rule_set.timezone,
        quotas={c: q.per_authority for c, q in rule_set.quotas.items()},
    )


@router.get("/authorities", response_model=list[Authority])
async def list_authorities() -> list[Authority]:
    """The 37 recommending authorities with their codes and names (public)."""
    return list(AUTHORITIES.values())


@router.post(
    "/batches/{batch}/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationOut,
)
async def create_application(
    batch: str, body: ApplicationDraft, applicant: ApplicantDep, session: SessionDep,
    runtime: RuntimeDep, rules: RuleBookDep,
) -> ApplicationOut:
    """Create a draft application (applicant; the credit code must be the token's)."""
    if body.credit_code != applicant.scope:
        raise LegacyApiError(403, "Forbidden", "you may apply only for your own credit code",
                       message_zh="只能以本单位的统一社会信用代码申报", field="credit_code")
    found = await repository.get_batch(session, code=batch)
    if found is None:
        raise not_found(f"batch {batch}")
    rule_set = rules.get(found.rule_set)
    _check_rules(rule_set, body, batch)
    needs_evaluation = rule_set.requires_third_party_report.get(body.category, True)
    app = await repository.add_draft(
        session, batch=batch, draft=body, needs_evaluation=needs_evaluation
    )
    await session.commit()
    runtime.events_committed()
    await ensure_workflow(runtime.temporal, runtime.queues, app, needs_evaluation)
    return _out(app)


def _check_rules(rule_set: RuleSet, body: ApplicationDraft, batch: str) -> None:
    if body.category not in rule_set.categories:
        raise LegacyApiError(
            422, "Invalid", f"category {body.category.value} is not open in batch {batch}",
            message_zh=f"批次{batch}未开放{body.category.value}类别的申报", field="category",
        )
    problems = rule_problems(rule_set, body.category, body.model_dump(mode="json"))
    if problems:
        first = problems[0]
        raise LegacyApiError(
            422, ErrorCode.INVALID, first.message, message_zh=first.message_zh, field=first.field,
            problems=[{"field": p.field, "message": p.message, "message_zh": p.message_zh}
                      for p in problems],
        )


@router.put("/applications/{application_id}", response_model=ApplicationOut)
async def correct_application(
    application_id: str, body: ApplicationDraft, applicant: ApplicantDep, session: SessionDep,
    rules: RuleBookDep,
) -> ApplicationOut:
    """Correct a draft (applicant), e.g. after the authority returned it with what to fix.
    Category, name, credit code and region are the application's identity and cannot change."""
    app = await _visible(session, applicant, application_id)
    # These are the case's identity: the workflow and every event already carry them.
    for field in ("category", "credit_code", "region", "applicant_name"):
        if str(getattr(body, field)) != getattr(app, field):
            raise LegacyApiError(
                422, ErrorCode.INVALID, f"{field} cannot change; start a new application instead",
                message_zh=f"{field}不能修改，如需变更请重新申报", field=field,
            )
    batch = await repository.get_batch(session, code=app.batch)
    assert batch is not None
    _check_rules(rules.get(batch.rule_set), body, app.batch)
    if not await repository.correct_draft(session, app=app, draft=body):
        raise LegacyApiError(
            409, ErrorCode.WRONG_STAGE, f"only a draft can be corrected; it is {app.stage}",
            message_zh="只有草稿状态的申报可以修改",
        )
    await session.commit()
    await session.refresh(app)
    return _out(app)


@router.get("/applications", response_model=list[ApplicationOut])
async def list_applications(
    principal: PrincipalDep, session: SessionDep, batch: str | None = None,
    stage: Stage | None = None,
) -> list[ApplicationOut]:
    """Applications the caller may see: the applicant's own, the authority's region's."""
    region = principal.scope if principal.role == Role.PROVINCE else None
    credit = principal.scope if principal.role == Role.APPLICANT else None
    if principal.role == Role.AGENCY:
        raise LegacyApiError(403, "Forbidden", "agencies see applications through their engagements",
                       message_zh="评价机构通过其受托项目查看申报")
    apps = await repository.list_applications(
        session, batch=batch, region=region, credit_code=credit,
        stage=stage.value if stage else None,
    )
    return [_out(a) for a in apps]


@router.get("/applications/{application_id}", response_model=ApplicationOut)
async def get_application(
    application_id: str, principal: PrincipalDep, session: SessionDep
) -> ApplicationOut:
    """One application, for its applicant, its authority, the ministry and ops."""
    return _out(await _visible(session, principal, application_id))


@router.post("/applications/{application_id}/submit", response_model=ApplicationOut)
async def submit_application(
    application_id: str, applicant: ApplicantDep, session: SessionDep, runtime: RuntimeDep,
    rules: RuleBookDep, body: Annotated[SubmitIn | None, Body()] = None,
) -> ApplicationOut:
    """Submit a draft (applicant) with a declaration on each exclusion condition: it moves
    to third-party evaluation or to the authority, and its eligibility is checked (see
    `GET /applications/{id}/eligibility`; an ineligible application cannot be recommended)."""
    if body is None:
        raise LegacyApiError(
            422, ErrorCode.INVALID,
            "declarations are required: state for each exclusion condition whether it applies",
            message_zh="缺少声明：请就每一项否决条件声明是否存在", field="declarations",
        )
    app = await _visible(session, applicant, application_id)
    command = SubmitCommand(actor=applicant, declarations=body.declarations)
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(app.id)
    )
    try:
        view = await handle.execute_update(ApplicationWorkflow.submit, command)
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
        # The draft's workflow was never started (Temporal was away when the draft was made):
        # start it now, then submit.
        batch = await repository.get_batch(session, code=app.batch)
        assert batch is not None  # applications reference their batch
        needs = rules.get(batch.rule_set).requires_third_party_report.get(
            Category(app.category), True
        )
        handle = await ensure_workflow(runtime.temporal, runtime.queues, app, needs)
        view = await handle.execute_update(ApplicationWorkflow.submit, command)
    await session.refresh(app)
    return _out(app, view.stage)


@router.post("/applications/{application_id}/recommendation", response_model=ApplicationOut)
async def recommend_application(
    application_id: str, body: RecommendationIn, province: ProvinceDep, session: SessionDep,
    runtime: RuntimeDep,
) -> ApplicationOut:
    """The authority recommends, returns (with what to fix) or rejects (with a reason)."""
    app = await _visible(session, province, application_id)
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(app.id)
    )
    view = await handle.execute_update(
        ApplicationWorkflow.recommend,
        RecommendationCommand(actor=province, decision=body.decision, reason=body.reason),
    )
    await session.refresh(app)
    return _out(app, view.stage)


@router.get("/applications/{application_id}/eligibility", response_model=EligibilityResult)
async def get_eligibility(
    application_id: str, principal: PrincipalDep, session: SessionDep
) -> EligibilityResult:
    """The latest eligibility check with every reason and its evidence (404 before submission)."""
    app = await _visible(session, principal, application_id)
    result = await repository.latest_eligibility(session, app=app)
    if result is None:
        raise not_found(f"eligibility check of {application_id} (not submitted yet)")
    return result


# ----------------------------------------------------------------------------- attachments


def _attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut.model_validate(a, from_attributes=True)


def _unsupported(filename: str, detected: str, claimed: str | None) -> ApiError:
    allowed = "PDF, DOCX, XLSX, PNG, JPEG"
    if claimed is None:
        return LegacyApiError(
            415, "UnsupportedMediaType",
            f"{filename!r}: only {allowed} files are accepted; the content is {detected}",
            message_zh=f"“{filename}”：仅接受{allowed}文件，实际内容为{detected}",
            field="file", detected=detected,
        )
    return LegacyApiError(
        415, "UnsupportedMediaType",
        f"{filename!r} is named as {claimed} but its content is {detected}",
        message_zh=f"“{filename}”的扩展名表明为{claimed}，但文件内容实际为{detected}",
        field="file", detected=detected, claimed=claimed,
    )


@router.post(
    "/applications/{application_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentOut,
)
async def upload_attachment(
    application_id: str, applicant: ApplicantDep, session: SessionDep, runtime: RuntimeDep,
    storage: StorageDep, file: Annotated[UploadFile, File()],
    kind: Annotated[AttachmentKind, Form()],
) -> AttachmentOut:
    """Attach a file (applicant): PDF, DOCX, XLSX, PNG or JPEG, judged from its content; at
    most `attachment_max_bytes`; 413 when larger, 415 when the type is wrong or the name
    claims another type than the content shows."""
    app = await _visible(session, applicant, application_id)
    limit = runtime.settings.attachment_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise LegacyApiError(
            413, "TooLarge", f"the file is larger than the limit of {limit} bytes",
            message_zh=f"文件超过大小上限（{limit}字节）", field="file", limit=limit,
        )
    if not data:
        raise LegacyApiError(
            422, ErrorCode.INVALID, "the file is empty", message_zh="文件为空", field="file"
        )
    filename = (file.filename or "upload").rsplit("/", 1)[-1][:255]
    detected = filetypes.sniff(data)
    claimed = filetypes.claimed_type(filename)
    if detected not in filetypes.ALLOWED or (claimed is not None and claimed != detected):
        raise _unsupported(filename, detected, claimed)
    digest = hashlib.sha256(data).hexdigest()
    key = f"{app.id}/{digest}"
    await storage.put(key, data)
    attachment = await repository.add_attachment(
        session, id=str(uuid.uuid4()), application_id=app.id, kind=kind.value,
        filename=filename, content_type=detected, size=len(data), sha256=digest,
        storage_key=key, uploaded_by=applicant.label(), uploaded_at=utcnow(),
    )
    # The bytes are stored first and the row committed after: a failed commit leaves at most
    # an unreferenced file (content-addressed, so a retry reuses it), never a row without bytes.
    await session.commit()
    return _attachment_out(attachment)


@router.get("/applications/{application_id}/attachments", response_model=list[AttachmentOut])
async def list_attachments(
    application_id: str, principal: PrincipalDep, session: SessionDep
) -> list[AttachmentOut]:
    """An application's attachments, for whoever may see the application."""
    app = await _visible(session, principal, application_id)
    found = await repository.list_attachments(session, application_id=app.id)
    return [_attachment_out(a) for a in found]


@router.get("/applications/{application_id}/attachments/{attachment_id}")
async def download_attachment(
    application_id: str, attachment_id: str, principal: PrincipalDep, session: SessionDep,
    storage: StorageDep,
) -> Response:
    """The file itself, with the type found in its content and its SHA-256 in `Digest`-like
    header `X-Content-SHA256`."""
    app = await _visible(session, principal, application_id)
    found = await repository.get_attachment(
        session, application_id=app.id, attachment_id=attachment_id
    )
    if found is None:
        raise not_found(f"attachment {attachment_id}")
    data = await storage.get(found.storage_key)
    ascii_name = found.filename.encode("ascii", "replace").decode().replace('"', "")
    return Response(
        content=data,
        media_type=found.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"',
            "X-Content-SHA256": found.sha256,
        },
    )


# ----------------------------------------------------------------------------- exclusion lists


def _upload_out(upload: ExclusionUpload, rechecked: int = 0) -> ExclusionUploadOut:
    out = ExclusionUploadOut.model_validate(upload, from_attributes=True)
    out.rechecked = rechecked
    return out


@router.post(
    "/exclusion-lists/{kind}",
    status_code=status.HTTP_201_CREATED,
    response_model=ExclusionUploadOut,
)
async def upload_exclusion_list(
    kind: ExclusionKind, principal: PrincipalDep, session: SessionDep, rules: RuleBookDep,
    file: Annotated[UploadFile, File()],
) -> ExclusionUploadOut:
    """Replace an exclusion list: an authority's for its region, the ministry's national one.
    The CSV (columns in `services/intake/exclusions.py`) is taken whole or not at all: the
    first malformed place is reported as 422 with its line and column. Afterwards every
    submitted application not yet decided by its authority is checked again."""
    if principal.role == Role.PROVINCE:
        scope = principal.scope
    elif principal.role == Role.MINISTRY:
        scope = "national"
    else:
        raise LegacyApiError(403, ErrorCode.FORBIDDEN, "only an authority or the ministry uploads lists",
                       message_zh="仅推荐单位或工业和信息化部可以上传名单")
    data = await file.read()
    try:
        rows = exclusions.parse(kind, data)
    except exclusions.CsvProblem as problem:
        raise LegacyApiError(422, ErrorCode.INVALID, problem.message, message_zh=problem.message_zh,
                       field="file", line=problem.line, column=problem.column) from None
    now = utcnow()
    upload = await repository.add_exclusion_upload(
        session, kind=kind, scope=scope, filename=file.filename or "", rows=rows,
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=principal.label(), at=now,
    )
    await session.commit()
    results = await repository.recheck_pending(
        session, region=None if scope == "national" else scope, rules=rules,
        trigger=f"exclusion-upload:{upload.id}", at=now,
    )
    await session.commit()
    return _upload_out(upload, rechecked=len(results))


@router.get("/exclusion-lists", response_model=list[ExclusionUploadOut])
async def list_exclusion_lists(
    principal: PrincipalDep, session: SessionDep
) -> list[ExclusionUploadOut]:
    """The current lists: the ministry and ops see all, an authority its own and the national."""
    if principal.role in (Role.MINISTRY, Role.OPS):
        scopes = None
    elif principal.role == Role.PROVINCE:
        scopes = [principal.scope, "national"]
    else:
        raise LegacyApiError(
            403, ErrorCode.FORBIDDEN, "exclusion lists are for authorities and the ministry",
            message_zh="名单仅供推荐单位和工业和信息化部查看",
        )
    uploads = await repository.current_exclusion_uploads(session, scopes=scopes)
    return [_upload_out(u) for u in uploads]


# ----------------------------------------------------------------------------- packages


@router.post("/batches/{batch}/package", response_model=PackageSubmitted)
async def submit_package(
    batch: str, province: ProvinceDep, session: SessionDep, runtime: RuntimeDep
) -> PackageSubmitted:
    """The authority submits its package (the summary table of its recommendations) for the
    batch, once, strictly before the batch's deadline (409 DeadlinePassed after it)."""
    if await repository.get_batch(session, code=batch) is None:
        raise not_found(f"batch {batch}")
    handle = runtime.temporal.get_workflow_handle_for(BatchWorkflow.run, batch_workflow_id(batch))
    return await handle.execute_update(BatchWorkflow.submit_package, PackageCommand(actor=province))


@router.post("/batches/{batch}/deadline", response_model=BatchView)
async def extend_deadline(
    batch: str, body: DeadlineIn, ministry: MinistryDep, session: SessionDep, runtime: RuntimeDep
) -> BatchView:
    """The ministry extends the package deadline; reminders move, none is sent twice."""
    if await repository.get_batch(session, code=batch) is None:
        raise not_found(f"batch {batch}")
    handle = runtime.temporal.get_workflow_handle_for(BatchWorkflow.run, batch_workflow_id(batch))
    return await handle.execute_update(
        BatchWorkflow.extend_deadline,
        ExtendCommand(actor=ministry, deadline=body.deadline, reason=body.reason),
    )


@router.post("/applications/{application_id}/information", response_model=ApplicationOut)
async def provide_information(
    application_id: str, body: InformationIn, province: ProvinceDep, session: SessionDep,
    runtime: RuntimeDep,
) -> ApplicationOut:
    """The authority answers the ministry's request for more information."""
    app = await _visible(session, province, application_id)
    handle = runtime.temporal.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(app.id)
    )
    view = await handle.execute_update(
        ApplicationWorkflow.provide_information,
        InformationAnswer(actor=province, answer=body.answer),
    )
    await session.refresh(app)
    return _out(app, view.stage)


async def _summary(
    batch: str, region: str, principal: Principal, session: SessionDep, rules: RuleBookDep,
    lang: Literal["zh", "en"],
) -> summary.SummaryTable:
    if region not in AUTHORITIES:
        raise not_found(f"authority {region}")
    allowed = principal.role in (Role.MINISTRY, Role.OPS) or (
        principal.role == Role.PROVINCE and principal.scope == region
    )
    if not allowed:
        raise LegacyApiError(403, ErrorCode.FORBIDDEN, "only the authority itself and the ministry see this",
                       message_zh="仅该推荐单位本身和工业和信息化部可以查看")
    found = await repository.get_batch(session, code=batch)
    if found is None:
        raise not_found(f"batch {batch}")
    rule_set = rules.get(found.rule_set)
    package = await repository.get_package(session, batch=batch, region=region)
    if package is not None:
        units = PackageSubmitted.model_validate(package.body).units
    else:
        units = await repository.recommended_units(session, batch=batch, region=region)
    return summary.build(
        lang=lang, batch=batch, region=region, categories=rule_set.categories, units=units,
        deadline=rule_set.submission_deadline,
        submitted_at=package.submitted_at if package else None,
    )


Lang = Annotated[Literal["zh", "en"], Query(description="headings: zh (default) or en")]


@router.get("/batches/{batch}/authorities/{region}/summary.xlsx")
async def summary_xlsx(
    batch: str, region: str, principal: PrincipalDep, session: SessionDep, rules: RuleBookDep,
    lang: Lang = "zh",
) -> Response:
    """Attachment 1 as a workbook: the submitted package, or the live draft before it."""
    table = await _summary(batch, region, principal, session, rules, lang)
    return Response(
        content=summary.to_xlsx(table),
        media_type=filetypes.XLSX,
        headers={"Content-Disposition": f'attachment; filename="summary-{batch}-{region}.xlsx"'},
    )


@router.get("/batches/{batch}/authorities/{region}/summary", response_class=HTMLResponse)
async def summary_html(
    batch: str, region: str, principal: PrincipalDep, session: SessionDep, rules: RuleBookDep,
    templates: TemplatesDep, lang: Lang = "zh",
) -> HTMLResponse:
    """Attachment 1 as an HTML page."""
    table = await _summary(batch, region, principal, session, rules, lang)
    return HTMLResponse(templates.get_template("summary.html").render(table=table))
