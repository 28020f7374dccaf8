"""Packages: each authority submits its recommendations for a batch once, before the
deadline; the summary table (Attachment 1) shows the package, or the live draft before it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from services.intake import filetypes, repository, summary
from services.intake.deps import (
    PrincipalDep,
    ProvinceDep,
    RuleBookDep,
    SessionDep,
    TemplatesDep,
    TemporalDep,
)
from shared.contracts.auth import Principal, Role
from shared.contracts.batch import PackageCommand, PackageSubmitted
from shared.contracts.bounds import BatchCode, Identifier
from shared.deps import release
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from shared.regions import AUTHORITIES
from workflows import handles
from workflows.batch.workflow import BatchWorkflow

router = APIRouter(tags=["packages"])


@router.post("/batches/{batch}/package", response_model=PackageSubmitted)
async def submit_package(
    batch: BatchCode, province: ProvinceDep, session: SessionDep, temporal: TemporalDep
) -> PackageSubmitted:
    """The authority submits its package (the summary table of its recommendations) for the
    batch, once, strictly before the batch's deadline (409 DeadlinePassed after it)."""
    if await repository.get_batch(session, code=batch) is None:
        raise not_found(f"batch {batch}", f"批次{batch}")
    await release(session)  # the update's activity records the package with a connection
    package: PackageSubmitted = await handles.execute_update_when_admitted(
        handles.batch(temporal, batch), BatchWorkflow.submit_package,
        PackageCommand(actor=province),
    )
    return package


async def _summary(
    batch: str, region: str, principal: Principal, session: SessionDep, rules: RuleBookDep,
    lang: Literal["zh", "en"],
) -> summary.SummaryTable:
    if region not in AUTHORITIES:
        raise not_found(f"authority {region}", f"推荐单位{region}")
    allowed = principal.role in (Role.MINISTRY, Role.OPS) or (
        principal.role == Role.PROVINCE and principal.scope == region
    )
    if not allowed:
        raise ApiError(ErrorCode.FORBIDDEN, "only the authority itself and the ministry see this",
                       "仅该推荐单位本身和工业和信息化部可以查看")
    found = await repository.get_batch(session, code=batch)
    if found is None:
        raise not_found(f"batch {batch}", f"批次{batch}")
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
    batch: BatchCode, region: Identifier, principal: PrincipalDep, session: SessionDep,
    rules: RuleBookDep, lang: Lang = "zh",
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
    batch: BatchCode, region: Identifier, principal: PrincipalDep, session: SessionDep,
    rules: RuleBookDep, templates: TemplatesDep, lang: Lang = "zh",
) -> HTMLResponse:
    """Attachment 1 as an HTML page."""
    table = await _summary(batch, region, principal, session, rules, lang)
    return HTMLResponse(templates.get_template("summary.html").render(table=table))
