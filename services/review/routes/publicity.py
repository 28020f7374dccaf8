"""Publicity (公示) of the proposed list, objections to it, and publication of the list."""

from __future__ import annotations

from fastapi import APIRouter

from services.review.deps import MinistryDep, SessionDep, StaffDep, TemporalDep, UnitOfWorkDep
from services.review.repository import publication, publication_records
from services.review.schemas import ObjectionIn, ObjectionResolutionIn, ProposedUnitOut
from shared.contracts.batch import (
    BatchView,
    LodgeObjectionCommand,
    ObjectionOut,
    ObjectionStatus,
    PublicityCommand,
    PublishCommand,
    ResolveObjectionCommand,
)
from shared.contracts.bounds import BatchCode, RowId
from shared.errors import ErrorCode
from shared.http import ApiError, not_found
from workflows import handles
from workflows.batch.workflow import BatchWorkflow

router = APIRouter(tags=["publicity"])


@router.post("/batches/{batch}/publicity", response_model=BatchView)
async def start_publicity(
    batch: BatchCode, ministry: MinistryDep, temporal: TemporalDep
) -> BatchView:
    """Make the proposed list public (公示) for the rule set's number of days."""
    return await handles.batch(temporal, batch).execute_update(
        BatchWorkflow.start_publicity, PublicityCommand(actor=ministry)
    )


@router.get("/batches/{batch}/proposed-list", response_model=list[ProposedUnitOut])
async def proposed_list(batch: BatchCode, session: SessionDep) -> list[ProposedUnitOut]:
    """The approved units proposed for the list (public during publicity; no token needed)."""
    if await publication.get_publicity(session, batch=batch) is None:
        raise not_found(f"publicity of batch {batch}", f"批次{batch}的公示")
    return [
        ProposedUnitOut(
            application_id=d.application_id, category=d.case["category"],
            region=d.case["region"], name=d.case["applicant_name"],
            credit_code=d.case["credit_code"],
        )
        for d in await publication.proposed_list(session, batch=batch)
    ]


@router.get("/batches/{batch}/objections", response_model=list[ObjectionOut])
async def list_objections(batch: BatchCode, _: StaffDep, session: SessionDep) -> list[ObjectionOut]:
    """Objections to a batch's proposed list (ministry, ops)."""
    return [
        ObjectionOut.model_validate(o, from_attributes=True)
        for o in await publication.list_objections(session, batch=batch)
    ]


# Lodging and resolving an objection: kept together, as they are to become updates of the
# batch's workflow (validated in its lock) together.


@router.post("/batches/{batch}/objections", status_code=201, response_model=ObjectionOut)
async def lodge_objection(
    batch: BatchCode, body: ObjectionIn, uow: UnitOfWorkDep, temporal: TemporalDep
) -> ObjectionOut:
    """Anyone may object to a proposed unit while the publicity period runs (no token needed).

    The objection is written but not committed until the batch's workflow accepted it (in
    publicity, not lodged before): a refusal leaves no row, so the database and the workflow
    never disagree about which objections are open."""
    proposed = {d.application_id for d in await publication.proposed_list(uow.session, batch=batch)}
    if body.application_id not in proposed:
        if not proposed:
            await handles.batch(temporal, batch).describe()  # no such batch: 404
        raise ApiError(
            ErrorCode.INVALID, f"{body.application_id} is not on the proposed list",
            f"{body.application_id}不在拟公布名单中", field="application_id",
        )
    objection = await publication_records.add_objection(
        uow.session, batch=batch, application_id=body.application_id, lodged_by=body.lodged_by,
        contact=body.contact, grounds=body.grounds,
    )
    await handles.execute_update_when_admitted(
        handles.batch(temporal, batch), BatchWorkflow.lodge_objection,
        LodgeObjectionCommand(objection_id=objection.id, application_id=objection.application_id),
    )
    await uow.commit()
    return ObjectionOut.model_validate(objection, from_attributes=True)


@router.post("/objections/{objection_id}/resolution", response_model=ObjectionOut)
async def resolve_objection(
    objection_id: RowId, body: ObjectionResolutionIn, ministry: MinistryDep, uow: UnitOfWorkDep,
    temporal: TemporalDep,
) -> ObjectionOut:
    """The ministry upholds (the unit stays off the list) or dismisses an objection; recorded,
    then accepted by the batch's workflow (open, not resolved before), then committed."""
    objection = await publication.get_objection(uow.session, objection_id=objection_id)
    if objection is None:
        raise not_found(f"objection {objection_id}", f"异议{objection_id}")
    if objection.status != ObjectionStatus.OPEN:
        done_zh = "已被支持" if objection.status == ObjectionStatus.UPHELD else "已被驳回"
        raise ApiError(
            ErrorCode.DUPLICATE, f"objection {objection_id} was {objection.status} already",
            f"异议{objection_id}{done_zh}，不能再次处理",
        )
    await publication_records.resolve_objection(
        uow.session, objection=objection, upheld=body.upheld, resolution=body.resolution,
        actor=ministry.label(),
    )
    await handles.batch(temporal, objection.batch).execute_update(
        BatchWorkflow.resolve_objection,
        ResolveObjectionCommand(actor=ministry, objection_id=objection.id, upheld=body.upheld),
    )
    await uow.commit()
    return ObjectionOut.model_validate(objection, from_attributes=True)


@router.post("/batches/{batch}/publication", response_model=BatchView)
async def publish(batch: BatchCode, ministry: MinistryDep, temporal: TemporalDep) -> BatchView:
    """Publish the batch's list: every approved application becomes a listed unit."""
    return await handles.batch(temporal, batch).execute_update(
        BatchWorkflow.publish, PublishCommand(actor=ministry)
    )
