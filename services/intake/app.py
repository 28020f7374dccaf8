"""Composition root of the intake process: routes, activities, consumers, runtime."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.intake.activities import IntakeActivities
from services.intake.consumers import CONSUMERS
from services.intake.models import Base
from services.intake.routes import router
from shared.config import Settings
from shared.http import create_service_app
from shared.labels import install_label_filters
from shared.runtime import ServiceParts, ServiceRuntime
from shared.storage import LocalStorage


def _activities(runtime: ServiceRuntime) -> list[Callable[..., Any]]:
    return IntakeActivities(
        runtime.sessions, runtime.events_committed, runtime.rules
    ).methods()


PARTS = ServiceParts(
    name="intake", metadata=Base.metadata, activities=_activities, consumers=CONSUMERS
)

def templates() -> Environment:
    """The one Jinja2 environment of the process: HTML escaped, undefined names are errors."""
    env = Environment(
        loader=PackageLoader("services.intake", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    install_label_filters(env)
    return env


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
    app.state.templates = templates()
    return app
