"""Exclusion lists (CSV): an authority's for its region, the ministry's national ones. A new
upload replaces the list and re-checks every application its authority has not decided."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from services.intake import exclusions, repository
from services.intake.deps import PrincipalDep, RuleBookDep, SessionDep, UnitOfWorkDep
from services.intake.models import NATIONAL, ExclusionUpload
from services.intake.schemas import ExclusionUploadOut
from shared.contracts.application import ExclusionKind
from shared.contracts.auth import Role
from shared.db import utcnow
from shared.errors import ErrorCode
from shared.http import ApiError

router = APIRouter(tags=["exclusion lists"])


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
    kind: ExclusionKind, principal: PrincipalDep, uow: UnitOfWorkDep, rules: RuleBookDep,
    file: Annotated[UploadFile, File()],
) -> ExclusionUploadOut:
    """Replace an exclusion list: an authority's for its region, the ministry's national one.
    The CSV (columns in `services/intake/exclusions.py`) is taken whole or not at all: the
    first malformed place is reported as 422 with its line and column. Afterwards every
    submitted application not yet decided by its authority is checked again."""
    if principal.role == Role.PROVINCE:
        scope = principal.scope
    elif principal.role == Role.MINISTRY:
        scope = NATIONAL
    else:
        raise ApiError(ErrorCode.FORBIDDEN, "only an authority or the ministry uploads lists",
                       "仅推荐单位或工业和信息化部可以上传名单")
    data = await file.read()
    try:
        rows = exclusions.parse(kind, data)
    except exclusions.CsvProblem as problem:
        raise ApiError(ErrorCode.INVALID, problem.message, problem.message_zh, field="file",
                       line=problem.line, column=problem.column) from None
    now = utcnow()
    upload = await repository.add_exclusion_upload(
        uow.session, kind=kind, scope=scope, filename=file.filename or "", rows=rows,
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=principal.label(), at=now,
    )
    await uow.commit()
    results = await repository.recheck_pending(
        uow.session, region=None if scope == NATIONAL else scope, rules=rules,
        trigger=f"exclusion-upload:{upload.id}", at=now,
    )
    await uow.commit()
    return _upload_out(upload, rechecked=len(results))


@router.get("/exclusion-lists", response_model=list[ExclusionUploadOut])
async def list_exclusion_lists(
    principal: PrincipalDep, session: SessionDep
) -> list[ExclusionUploadOut]:
    """The current lists: the ministry and ops see all, an authority its own and the national."""
    if principal.role in (Role.MINISTRY, Role.OPS):
        scopes = None
    elif principal.role == Role.PROVINCE:
        scopes = [principal.scope, NATIONAL]
    else:
        raise ApiError(ErrorCode.FORBIDDEN, "exclusion lists are for authorities and the ministry",
                       "名单仅供推荐单位和工业和信息化部查看")
    uploads = await repository.current_exclusion_uploads(session, scopes=scopes)
    return [_upload_out(u) for u in uploads]
