"""Composition root of the review process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from services.review.activities import ReviewActivities
from services.review.consumers import CONSUMERS
from services.review.models import Base
from services.review.routes import pages, router
from shared.config import Settings
from shared.http import create_service_app
from shared.runtime import ServiceParts, ServiceRuntime
from shared.templates import build_environment


def _activities(runtime: ServiceRuntime) -> list[Callable[..., Any]]:
    return ReviewActivities(
        runtime.sessions, runtime.events_committed, runtime.temporal, runtime.queues,
        runtime.rules,
    ).methods()


PARTS = ServiceParts(
    name="review", metadata=Base.metadata, activities=_activities, consumers=CONSUMERS
)


def create_app(settings: Settings | None = None) -> FastAPI:
    app = create_service_app(
        title="greenlist review",
        description=(
            "Ministry review and publication, the public list, and the ops view of every case."
        ),
        settings=settings or Settings(),
        parts=PARTS,
        routers=[router, pages],
    )
    app.state.templates = build_environment("services.review")
    return app
