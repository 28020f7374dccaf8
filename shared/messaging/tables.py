"""The outbox and inbox tables every service carries in its own database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, new_metadata, utcnow


class MessagingBase(DeclarativeBase):
    metadata = new_metadata()


class OutboxMessage(MessagingBase):
    """An event written in the same transaction as the state change it announces."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    routing_key: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    attempts: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "created_at"),)


class InboxMessage(MessagingBase):
    """A message a consumer has already acted upon; the key makes redelivery harmless."""

    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    routing_key: Mapped[str] = mapped_column(String(200))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
