"""Sending email: the `Mailer` seam, its SMTP implementation, and the sender loop that drains
the `emails` outbox.

Delivery to the SMTP server is at least once: a row is marked sent in the transaction that
locked it, after the server accepted the message, so a crash between the two sends it again.
Each row gets its own transaction, so such a crash can repeat at most the one message in
flight, and the repeat carries the same Message-ID (derived from the notification id), by
which mail systems and clients recognise the duplicate. That is the limit of what SMTP
allows; exactly once per event and recipient holds for the notification and email rows.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify import repository
from services.notify.models import Email, Notification
from shared.config import Settings
from shared.db import utcnow
from shared.loops import DrainLoop

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand one message to the mail system; raise if it was not accepted."""
        ...


class SmtpMailer:
    """Sends through an SMTP server (aiosmtplib); STARTTLS when the server offers it."""

    def __init__(self, host: str, port: int, *, timeout: float = 30.0) -> None:
        self._host, self._port, self._timeout = host, port, timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        return cls(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(message, hostname=self._host, port=self._port, timeout=self._timeout)


def compose(email: Email, notification: Notification, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    # set_content first: it replaces every Content-* header (Content-Language included).
    message.set_content(notification.body, charset="utf-8")
    message["From"] = sender
    message["To"] = email.address
    message["Subject"] = notification.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(notification.created_at)
    message["Content-Language"] = "zh-CN" if notification.language == "zh" else "en"
    message["X-Greenlist-Event"] = notification.event_id
    message["X-Greenlist-Fact"] = notification.routing_key
    return message


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """base, 2·base, 4·base … capped at an hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class EmailSender(DrainLoop):
    """Drains pending emails; woken after the consumer's commits, polls otherwise (for rows
    waiting out a backoff). Several replicas may run: rows are claimed with SKIP LOCKED."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        mailer: Mailer,
        *,
        sender: str,
        poll_seconds: float = 2.0,
        retry_base_seconds: float = 5.0,
        batch_size: int = 100,
    ) -> None:
        super().__init__(poll_seconds=poll_seconds, batch_size=batch_size)
        self._sessions = sessions
        self._mailer = mailer
        self._sender = sender
        self._retry_base = retry_base_seconds

    async def drain(self) -> int:
        return await self.send_due()

    async def send_due(self) -> int:
        """Try up to one batch of due emails, one transaction each; return how many were tried."""
        tried = 0
        while tried < self._batch:
            async with self._sessions() as session, session.begin():
                claimed = await repository.claim_due_email(session, now=utcnow())
                if claimed is None:
                    return tried
                email, notification = claimed
                tried += 1
                email.attempts += 1
                try:
                    await self._mailer.send(compose(email, notification, sender=self._sender))
                except asyncio.CancelledError:
                    raise
                except Exception as err:  # refused or unreachable: keep it pending, back off
                    email.last_error = f"{type(err).__name__}: {err}"[:2000]
                    email.next_attempt_at = utcnow() + backoff(email.attempts, self._retry_base)
                    log.warning("email %s to %s failed (attempt %d): %s; retry at %s", email.id,
                                email.address, email.attempts, email.last_error,
                                email.next_attempt_at.isoformat())
                else:
                    email.status, email.sent_at, email.last_error = "sent", utcnow(), ""
        return tried
