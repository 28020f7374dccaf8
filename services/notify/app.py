"""Composition root of the notify process: the consumer (rendering with the service's Jinja2
environment, built in the lifespan), the sender."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from fastapi import FastAPI

from services.notify.consumers import build_consumer
from services.notify.mailer import EmailSender, Mailer, SmtpMailer
from services.notify.messages import Renderer
from services.notify.models import Base
from services.notify.routes import router
from shared.config import Settings
from shared.http import create_service_app
from shared.messaging.consumer import Consumer
from shared.runtime import BackgroundLoop, ServiceParts, ServiceRuntime


def _consumers(runtime: ServiceRuntime) -> Sequence[Consumer]:
    assert runtime.templates is not None  # PARTS.templates names the package
    return [build_consumer(Renderer(runtime.templates))]


def _sender(mailer: Mailer | None) -> Callable[[ServiceRuntime], Sequence[BackgroundLoop]]:
    def build(runtime: ServiceRuntime) -> Sequence[BackgroundLoop]:
        s = runtime.settings
        return [
            EmailSender(
                runtime.sessions, mailer or SmtpMailer.from_settings(s), sender=s.smtp_sender,
                poll_seconds=s.email_poll_seconds, retry_base_seconds=s.email_retry_base_seconds,
            )
        ]

    return build


PARTS = ServiceParts(
    name="notify",
    metadata=Base.metadata,
    consumers=_consumers,
    background=_sender(None),
    templates="services.notify",
)


def create_app(settings: Settings | None = None, *, mailer: Mailer | None = None) -> FastAPI:
    """The notify app; `mailer` replaces SMTP (default: `SmtpMailer` on the configured server)."""
    parts = PARTS if mailer is None else dataclasses.replace(PARTS, background=_sender(mailer))
    return create_service_app(
        title="greenlist notify",
        description="Messages for the people concerned by each fact: email and an in-app inbox.",
        settings=settings or Settings(),
        parts=parts,
        routers=[router],
    )
