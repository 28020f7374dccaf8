"""Attachments of an application: uploaded by its applicant, read by whoever may see it.
The type is judged from the content, never from the name the client gives."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import Response

from services.intake import filetypes, repository
from services.intake.deps import (
    ApplicantDep,
    RuntimeDep,
    StorageDep,
    UnitOfWorkDep,
    VisibleApplicationDep,
)
from services.intake.models import Attachment
from services.intake.schemas import AttachmentKind, AttachmentOut
from shared.contracts.bounds import Identifier
from shared.db import utcnow
from shared.errors import ErrorCode
from shared.http import ApiError, not_found

router = APIRouter(tags=["attachments"])

_ALLOWED = "PDF, DOCX, XLSX, PNG, JPEG"


def _attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut.model_validate(a, from_attributes=True)


def _unsupported(filename: str, detected: str, claimed: str | None) -> ApiError:
    if claimed is None:
        return ApiError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            f"{filename!r}: only {_ALLOWED} files are accepted; the content is {detected}",
            f"“{filename}”：仅接受{_ALLOWED}文件，实际内容为{detected}",
            field="file", detected=detected,
        )
    return ApiError(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        f"{filename!r} is named as {claimed} but its content is {detected}",
        f"“{filename}”的扩展名表明为{claimed}，但文件内容实际为{detected}",
        field="file", detected=detected, claimed=claimed,
    )


@router.post(
    "/applications/{application_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentOut,
)
async def upload_attachment(
    applicant: ApplicantDep, app: VisibleApplicationDep, uow: UnitOfWorkDep, runtime: RuntimeDep,
    storage: StorageDep, file: Annotated[UploadFile, File()],
    kind: Annotated[AttachmentKind, Form()],
) -> AttachmentOut:
    """Attach a file (applicant): PDF, DOCX, XLSX, PNG or JPEG, judged from its content; at
    most `attachment_max_bytes`; 413 when larger, 415 when the type is wrong or the name
    claims another type than the content shows."""
    limit = runtime.settings.attachment_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(
            ErrorCode.TOO_LARGE, f"the file is larger than the limit of {limit} bytes",
            f"文件超过大小上限（{limit}字节）", field="file", limit=limit,
        )
    if not data:
        raise ApiError(ErrorCode.INVALID, "the file is empty", "文件为空", field="file")
    filename = (file.filename or "upload").rsplit("/", 1)[-1][:255]
    detected = filetypes.sniff(data)
    claimed = filetypes.claimed_type(filename)
    if detected not in filetypes.ALLOWED or (claimed is not None and claimed != detected):
        raise _unsupported(filename, detected, claimed)
    digest = hashlib.sha256(data).hexdigest()
    key = f"{app.id}/{digest}"
    await uow.release()  # storage may be remote; the row is written in a fresh transaction
    await storage.put(key, data)
    attachment = await repository.add_attachment(
        uow.session, id=str(uuid.uuid4()), application_id=app.id, kind=kind.value,
        filename=filename, content_type=detected, size=len(data), sha256=digest,
        storage_key=key, uploaded_by=applicant.label(), uploaded_at=utcnow(),
    )
    # The bytes are stored first and the row committed after: a failed commit leaves at most
    # an unreferenced file (content-addressed, so a retry reuses it), never a row without bytes.
    await uow.commit()
    return _attachment_out(attachment)


@router.get("/applications/{application_id}/attachments", response_model=list[AttachmentOut])
async def list_attachments(app: VisibleApplicationDep, uow: UnitOfWorkDep) -> list[AttachmentOut]:
    """An application's attachments, for whoever may see the application."""
    found = await repository.list_attachments(uow.session, application_id=app.id)
    return [_attachment_out(a) for a in found]


@router.get("/applications/{application_id}/attachments/{attachment_id}")
async def download_attachment(
    attachment_id: Identifier, app: VisibleApplicationDep, uow: UnitOfWorkDep, storage: StorageDep,
) -> Response:
    """The file itself, with the type found in its content and its SHA-256 in `Digest`-like
    header `X-Content-SHA256`."""
    found = await repository.get_attachment(
        uow.session, application_id=app.id, attachment_id=attachment_id
    )
    if found is None:
        raise not_found(f"attachment {attachment_id}", f"附件{attachment_id}")
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
