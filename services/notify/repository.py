"""Notify's data access: contacts, notifications (the in-app inbox) and the email outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.models import ContactAddress, Email, Notification
from shared.contracts.auth import Principal
from shared.db import utcnow

_NAMESPACE = uuid.UUID("0b7d3c52-64a3-4f0e-8d0e-4a6f5e2b9c17")
# The right-hand side of every Message-ID: fixed, so a resend after a crash carries the very
# same header whatever the sender address is configured to be at the time.
MESSAGE_ID_DOMAIN = "notify.greenlist"


def notification_id(event_id: str, recipient: Principal) -> str:
    """Deterministic: one event and one recipient always name the same notification."""
    return str(uuid.uuid5(_NAMESPACE, f"{event_id}|{recipient.role.value}|{recipient.scope}"))


def message_id_for(notification: str) -> str:
    return f"<{notification}@{MESSAGE_ID_DOMAIN}>"


# ----------------------------------------------------------------------------- contacts


async def get_contact(session: AsyncSession, principal: Principal) -> ContactAddress | None:
    return await session.get(ContactAddress, (principal.role.value, principal.scope))


async def put_contact(
    session: AsyncSession, *, principal: Principal, email: str, language: str, by: Principal
) -> ContactAddress:
    contact = await get_contact(session, principal)
    if contact is None:
        contact = ContactAddress(role=principal.role.value, scope=principal.scope)
        session.add(contact)
    contact.email, contact.language = email, language
    contact.updated_at, contact.updated_by = utcnow(), by.label()
    await session.flush()
    return contact


# ----------------------------------------------------------------------------- notifications


async def add_notification(
    session: AsyncSession,
    *,
    event_id: str,
    routing_key: str,
    template: str,
    recipient: Principal,
    language: str,
    subject: str,
    body: str,
    address: str | None,
    created_at: datetime | None = None,
) -> Notification | None:
    """Stage one notification (and its email when there is an address) in the caller's
    transaction. Returns None when this event already notified this recipient: the inbox
    normally stops a repeat first; the deterministic id and the unique key are the backstop."""
    nid = notification_id(event_id, recipient)
    if await session.get(Notification, nid) is not None:
        return None
    notification = Notification(
        id=nid, event_id=event_id, routing_key=routing_key, template=template,
        recipient_role=recipient.role.value, recipient_scope=recipient.scope,
        language=language, subject=subject, body=body, created_at=created_at or utcnow(),
    )
    session.add(notification)
    if address:
        await session.flush()  # the email's foreign key needs the notification row first
        session.add(
            Email(
                id=str(uuid.uuid5(_NAMESPACE, f"{nid}|{address.lower()}")),
                notification_id=nid, address=address, message_id=message_id_for(nid),
                status="pending", next_attempt_at=utcnow(),
            )
        )
    return notification


async def inbox(
    session: AsyncSession, *, principal: Principal, unread: bool | None, limit: int, offset: int
) -> Sequence[Notification]:
    query = select(Notification).where(
        Notification.recipient_role == principal.role.value,
        Notification.recipient_scope == principal.scope,
    )
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id)
    return (await session.scalars(query.limit(limit).offset(offset))).all()


async def own_notification(
    session: AsyncSession, *, principal: Principal, notification: str
) -> Notification | None:
    """The notification if it is addressed to this principal; None otherwise (callers answer
    404 either way, so nobody learns which ids exist)."""
    row = await session.get(Notification, notification)
    if row is None or (row.recipient_role, row.recipient_scope) != (
        principal.role.value, principal.scope
    ):
        return None
    return row


# ----------------------------------------------------------------------------- email outbox


async def claim_due_email(
    session: AsyncSession, *, now: datetime
) -> tuple[Email, Notification] | None:
    """Lock one pending email whose time has come; other senders skip it while it is locked."""
    row = (
        await session.execute(
            select(Email, Notification)
            .join(Notification, Email.notification_id == Notification.id)
            .where(Email.status == "pending", Email.next_attempt_at <= now)
            .order_by(Email.next_attempt_at, Email.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=Email)
        )
    ).first()
    if row is None:
        return None
    return row[0], row[1]

