"""Review's HTTP API, one module per sub-resource, gathered into one router (as the FastAPI
template's `api/main.py` does) plus the public pages."""

from fastapi import APIRouter

from services.review.routes import (
    decisions,
    legacy,
    listed_units,
    ops,
    public,
    publicity,
    rereviews,
    spot_checks,
)

router = APIRouter(prefix="/api/v1")
router.include_router(decisions.router)
router.include_router(publicity.router)
router.include_router(public.router)
router.include_router(listed_units.router)
router.include_router(rereviews.router)
router.include_router(spot_checks.router)
router.include_router(legacy.router)
router.include_router(ops.router)

pages = public.pages

__all__ = ["pages", "router"]
