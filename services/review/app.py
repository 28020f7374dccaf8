"""Composition root of the review process."""

from __future__ import annotations

from fastapi import FastAPI

from services.review.activities import ReviewActivities
from services.review.consumers import CONSUMERS
from services.review.models import Base
from services.review.routes import pages, router
from shared.config import Settings
from shared.http import create_service_app
from shared.runtime import ServiceParts

PARTS = ServiceParts(
    name="review", metadata=Base.metadata, activities=ReviewActivities.register,
    consumers=lambda _: CONSUMERS, templates="services.review",
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        title="greenlist review",
        description=(
            "Ministry review and publication, the public list, and the ops view of every case."
        ),
        settings=settings or Settings(),
        parts=PARTS,
        routers=[router, pages],
    )
