"""Notify's tables: who to write to, what each principal was told, and the email outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, new_metadata, utcnow


class Base(DeclarativeBase):
    metadata = new_metadata()


class ContactAddress(Base):
    """Where a principal (role + scope) wants its mail, and in which language."""

    __tablename__ = "contacts"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="zh")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class Notification(Base):
    """One message for one principal about one event; the unique key makes it once only."""

    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))
    routing_key: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(64))
    recipient_role: Mapped[str] = mapped_column(String(16))
    recipient_scope: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (
        UniqueConstraint("event_id", "recipient_role", "recipient_scope",
                         name="uq_notifications_event_recipient"),
        Index("ix_notifications_inbox", "recipient_role", "recipient_scope", "created_at"),
    )


class Email(Base):
    """The email outbox: one row per notification and address, sent by the sender loop."""

    __tablename__ = "emails"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    notification_id: Mapped[str] = mapped_column(ForeignKey("notifications.id"))
    address: Mapped[str] = mapped_column(String(320))
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (
        UniqueConstraint("notification_id", "address", name="uq_emails_notification_address"),
        Index("ix_emails_due", "status", "next_attempt_at"),
    )
