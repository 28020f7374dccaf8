"""Composition root of the agency process."""

from __future__ import annotations

from fastapi import FastAPI

from services.agency.activities import AgencyActivities
from services.agency.models import Base
from services.agency.routes import router
from shared.config import Settings
from shared.http import create_service_app
from shared.runtime import ServiceParts, ServiceRuntime


def _activities(runtime: ServiceRuntime) -> list[object]:
    acts = AgencyActivities(runtime.sessions, runtime.events_committed)
    return [acts.record_acceptance, acts.record_report]


PARTS = ServiceParts(name="agency", metadata=Base.metadata, activities=_activities)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        title="greenlist agency",
        description="Third-party evaluation agencies: registry, engagements, evaluation reports.",
        settings=settings or Settings(),
        parts=PARTS,
        routers=[router],
    )
