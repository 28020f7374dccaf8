"""Composition root of the agency process."""

from __future__ import annotations

from fastapi import FastAPI

from services.agency.activities import AgencyActivities
from services.agency.files import ReportFiles
from services.agency.models import Base
from services.agency.routes import router
from shared.config import Settings
from shared.http import create_service_app
from shared.runtime import ServiceParts
from shared.storage import LocalStorage

PARTS = ServiceParts(name="agency", metadata=Base.metadata, activities=AgencyActivities.register)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        title="greenlist agency",
        description="Third-party evaluation agencies: registry, qualification, related groups "
        "and the cap, engagements, evaluation reports, spot checks and bans.",
        settings=settings,
        parts=PARTS,
        routers=[router],
    )
    app.state.report_files = ReportFiles(LocalStorage(settings.var_dir / "agency-reports"))
    return app
