"""Notify's HTTP API: each principal's contact and in-app inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.notify import repository
from services.notify.deps import PrincipalDep, SessionDep, StaffDep
from services.notify.schemas import ContactIn, ContactOut, NotificationOut
from shared.contracts.auth import Principal, Role
from shared.contracts.bounds import Identifier, Offset
from shared.db import utcnow
from shared.http import not_found

router = APIRouter(prefix="/api/v1", tags=["notify"])


@router.get("/contacts/me", response_model=ContactOut)
async def my_contact(principal: PrincipalDep, session: SessionDep) -> ContactOut:
    """Where the caller's messages are emailed, and in which language."""
    contact = await repository.get_contact(session, _mailbox(principal))
    if contact is None:
        raise not_found("contact", "联系方式")
    return ContactOut.model_validate(contact, from_attributes=True)


@router.put("/contacts/me", response_model=ContactOut)
async def put_my_contact(
    body: ContactIn, principal: PrincipalDep, session: SessionDep
) -> ContactOut:
    """Set the caller's email address and language (zh or en)."""
    async with session.begin():
        contact = await repository.put_contact(
            session, principal=_mailbox(principal), email=body.email, language=body.language,
            by=principal,
        )
    return ContactOut.model_validate(contact, from_attributes=True)


@router.get("/contacts/{role}/{scope}", response_model=ContactOut)
async def contact_of(role: Role, scope: Identifier, _: StaffDep, session: SessionDep) -> ContactOut:
    """Any principal's contact (ministry, ops)."""
    contact = await repository.get_contact(session, Principal(role=role, scope=scope))
    if contact is None:
        raise not_found(f"contact of {role.value} {scope}", f"{scope}的联系方式")
    return ContactOut.model_validate(contact, from_attributes=True)


@router.put("/contacts/{role}/{scope}", response_model=ContactOut)
async def put_contact_of(
    role: Role, scope: Identifier, body: ContactIn, staff: StaffDep, session: SessionDep
) -> ContactOut:
    """Set any principal's contact (ministry, ops), e.g. an authority's official mailbox."""
    async with session.begin():
        contact = await repository.put_contact(
            session, principal=Principal(role=role, scope=scope), email=body.email,
            language=body.language, by=staff,
        )
    return ContactOut.model_validate(contact, from_attributes=True)


@router.get("/inbox", response_model=list[NotificationOut])
async def inbox(
    principal: PrincipalDep,
    session: SessionDep,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read only")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> list[NotificationOut]:
    """The caller's notifications, newest first."""
    rows = await repository.inbox(
        session, principal=_mailbox(principal), unread=unread, limit=limit, offset=offset
    )
    return [NotificationOut.model_validate(r, from_attributes=True) for r in rows]


@router.post("/inbox/{notification_id}/read", response_model=NotificationOut)
async def mark_read(
    notification_id: Identifier, principal: PrincipalDep, session: SessionDep
) -> NotificationOut:
    """Mark one of the caller's notifications read (idempotent); 404 for anyone else's."""
    async with session.begin():
        row = await repository.own_notification(
            session, principal=_mailbox(principal), notification=notification_id
        )
        if row is None:
            raise not_found(f"notification {notification_id}", f"通知{notification_id}")
        if row.read_at is None:
            row.read_at = utcnow()
    return NotificationOut.model_validate(row, from_attributes=True)


def _mailbox(principal: Principal) -> Principal:
    """The inbox a token opens: its role and scope (the name is not part of the address)."""
    return Principal(role=principal.role, scope=principal.scope)
