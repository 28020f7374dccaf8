"""Composition root of the intake process: routes, activities, consumers, runtime."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.activities import IntakeActivities
from services.intake.consumers import CONSUMERS
from services.intake.deps import RuleBook
from services.intake.models import Base
from services.intake.routes import router
from shared.config import Settings
from shared.http import create_service_app
from shared.runtime import ServiceParts, ServiceRuntime


def _activities(runtime: ServiceRuntime) -> list[object]:
    acts = IntakeActivities(runtime.sessions, runtime.events_committed)
    return [acts.record_submission, acts.record_recommendation]


PARTS = ServiceParts(name="intake", metadata=Base.metadata, activities=_activities, consumers=CONSUMERS)


def create_app(settings: Settings | None = None) -> FastAPI:
    app = create_service_app(
        title="greenlist intake",
        description="Applications by enterprises and parks, and recommendations by the 37 "
        "recommending authorities.",
        settings=settings or Settings(),
        parts=PARTS,
        routers=[router],
    )
    app.state.rule_book = RuleBook()
    return app
