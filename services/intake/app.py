"""Composition root of the intake process: routes, activities, consumers, runtime."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.activities import IntakeActivities
from services.intake.consumers import CONSUMERS
from services.intake.models import Base
from services.intake.routes import router
from shared.config import Settings
from shared.http import create_service_app
from shared.runtime import ServiceParts
from shared.storage import LocalStorage

PARTS = ServiceParts(
    name="intake", metadata=Base.metadata, activities=IntakeActivities.register,
    consumers=lambda _: CONSUMERS, templates="services.intake",
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        title="greenlist intake",
        description="Applications by enterprises and parks, and recommendations by the 37 "
        "recommending authorities.",
        settings=settings,
        parts=PARTS,
        routers=[router],
    )
    app.state.storage = LocalStorage(settings.var_dir / "attachments")
    return app
